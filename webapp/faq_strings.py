"""The FAQ pages' own words (headings, labels, buttons, search messages) in English and
Spanish, in one table.

Why here and not in the knowledge base: these are page chrome, read by no other layer
(the chat never says "Back to top"); what the chat also says (the source line, "What
federal law says", "serves …") comes from the knowledge base's ``phrases:``. Answer text
never appears here. ``html_text`` fills a template's ``{placeholders}`` with ready HTML
and escapes the rest, so a phrase can carry links without its words being copied.
"""

from __future__ import annotations

import re
from html import escape
from typing import Dict

from contract import ENGLISH, SPANISH

STRINGS: Dict[str, Dict[str, str]] = {
    # The link to the same page in the other language, written in that language.
    "other_language": {ENGLISH: "Español", SPANISH: "English"},
    "page_title": {
        ENGLISH: "IEP mediation: questions and answers",
        SPANISH: "Mediación del IEP: preguntas y respuestas",
    },
    "search_label": {ENGLISH: "Search the questions", SPANISH: "Busque entre las preguntas"},
    "search_button": {ENGLISH: "Search", SPANISH: "Buscar"},
    "searching": {ENGLISH: "Searching…", SPANISH: "Buscando…"},
    "best_matches": {
        ENGLISH: "Best matching questions:",
        SPANISH: "Las preguntas que más se parecen:",
    },
    "no_match": {
        ENGLISH: "No question here matches that. Try other words, or:",
        SPANISH: "Ninguna pregunta se parece a eso. Pruebe con otras palabras, o:",
    },
    "offline_matches": {
        ENGLISH: "The assistant is not reachable, so these are plain text matches.",
        SPANISH: "El asistente no responde ahora. Estas preguntas tienen sus palabras.",
    },
    "offline_no_match": {
        ENGLISH: "The assistant is not reachable and no question contains those words.",
        SPANISH: "El asistente no responde ahora, y ninguna pregunta tiene esas palabras.",
    },
    "print": {ENGLISH: "Print these answers", SPANISH: "Imprimir estas respuestas"},
    "based_on": {
        ENGLISH: "Answers are based on {article}, the federal regulations ({regulations}) "
        "and the guidance named under each answer.",
        SPANISH: "Las respuestas se basan en {article}, en las regulaciones federales "
        "({regulations}) y en las guías que se nombran debajo de cada respuesta.",
    },
    "topics_nav": {ENGLISH: "Topics", SPANISH: "Temas"},
    "state_rules": {
        ENGLISH: "State rules we have checked",
        SPANISH: "Reglas de algunos estados que hemos comprobado",
    },
    "state_rules_elsewhere": {
        ENGLISH: "(elsewhere, ask your state's dispute resolution office):",
        SPANISH: "(en otros estados, pregunte a la oficina de resolución de conflictos de su "
        "estado):",
    },
    "related_to": {ENGLISH: "Related to “{title}”:", SPANISH: "Relacionado con «{title}»:"},
    "back_to_top": {ENGLISH: "Back to top", SPANISH: "Volver arriba"},
    "talk_to_person": {ENGLISH: "Talk to a person", SPANISH: "Hable con una persona"},
    "states_link": {
        ENGLISH: "{link}: every state's dispute resolution office and Parent Training and "
        "Information Center.",
        SPANISH: "{link}: la oficina de resolución de conflictos y el Centro de Información y "
        "Capacitación para Padres (PTI) de cada estado.",
    },
    # The state directory page (webapp/faq_states.py).
    "states_heading": {
        ENGLISH: "Who to contact in your state",
        SPANISH: "A quién llamar en su estado",
    },
    "states_title": {
        ENGLISH: "IEP mediation: who to contact in your state",
        SPANISH: "Mediación del IEP: a quién llamar en su estado",
    },
    "all_questions": {
        ENGLISH: "All questions and answers",
        SPANISH: "Todas las preguntas y respuestas",
    },
    "states_intro": {
        ENGLISH: "Each state's dispute resolution office runs mediation; its Parent Training "
        "and Information Center helps parents for free. Every address below was checked on "
        "the office's or center's own published page on the date shown; where we could not "
        "check one, we point you to the national directories instead.",
        SPANISH: "En cada estado, la oficina de resolución de conflictos organiza la "
        "mediación. El Centro de Información y Capacitación para Padres (PTI) ayuda a los "
        "padres gratis. Revisamos cada dirección en la página de la oficina o del centro, en "
        "la fecha que se indica. Si no pudimos revisar una, le damos los directorios "
        "nacionales.",
    },
    "states_nav": {ENGLISH: "States", SPANISH: "Estados"},
    "office_label": {
        ENGLISH: "Dispute resolution office",
        SPANISH: "Oficina de resolución de conflictos",
    },
    "office_role": {ENGLISH: "(runs mediation)", SPANISH: "(organiza la mediación)"},
    "office_unchecked": {
        ENGLISH: "not checked yet: look on the state education department's website, "
        "or ask {directory}",
        SPANISH: "todavía no la hemos revisado: búsquela en el sitio web del departamento de "
        "educación del estado, o pregunte a {directory}",
    },
    "center_label": {
        ENGLISH: "Parent Training and Information Center",
        SPANISH: "Centro de Información y Capacitación para Padres (PTI)",
    },
    "center_role": {ENGLISH: "(free help)", SPANISH: "(ayuda gratis)"},
    "center_unchecked": {
        ENGLISH: "not checked yet: {directory}",
        SPANISH: "todavía no lo hemos revisado: {directory}",
    },
    "checked": {ENGLISH: "Checked {dates}.", SPANISH: "Revisado: {dates}."},
}

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def text(key: str, language: str = ENGLISH) -> str:
    """A page string in ``language`` (English for a language the table does not have)."""
    forms = STRINGS[key]
    return forms.get(language) or forms[ENGLISH]


def html_text(template: str, **html_values: str) -> str:
    """``template`` escaped, with each ``{name}`` replaced by ``html_values[name]``, which
    is HTML already (a link): the words stay the table's or the knowledge base's own."""
    pieces, position = [], 0
    for match in _PLACEHOLDER.finditer(template):
        pieces.append(escape(template[position : match.start()]))
        pieces.append(html_values[match.group(1)])
        position = match.end()
    return "".join(pieces) + escape(template[position:])


def page_html(key: str, language: str = ENGLISH, **html_values: str) -> str:
    """A page string as HTML, its placeholders filled with HTML."""
    return html_text(text(key, language), **html_values)


def alternate_links(paths: Dict[str, str]) -> str:
    """``<link rel="alternate" hreflang>`` to the page in each language, English as the
    default for any other language. Root-relative: the site's own address is the
    deployment's, not the build's."""
    links = [
        f'<link rel="alternate" hreflang="{lang}" href="{escape(path)}">'
        for lang, path in paths.items()
    ]
    links.append(f'<link rel="alternate" hreflang="x-default" href="{escape(paths[ENGLISH])}">')
    return "\n".join(links)


def language_link(paths: Dict[str, str], language: str) -> str:
    """The visible link to the same page in the other language, named in that language
    (``lang``), so a parent who reads only that one can find it."""
    other = SPANISH if language == ENGLISH else ENGLISH
    return (
        f'<p class="faq-lang"><a href="{escape(paths[other])}" hreflang="{other}" '
        f'lang="{other}">{escape(text("other_language", language))}</a></p>'
    )
