"""The FAQ's state directory: every state's dispute resolution office and Parent Training
and Information Center, one anchor per state (``/faq/states/#PA``), from the knowledge
base's checked table. A state without a checked row names the national directories.
In Spanish at ``/es/faq/states/`` (the same anchors; state names as Spanish writes them,
offices' and centers' own names as published).

``state_directory`` is the same content as data (in ``faq.json``); ``state_directory_html``
is the page. The chat links a parent who named a state to its anchor.
"""

from __future__ import annotations

import unicodedata
from html import escape
from typing import Any, Dict, List

from contract import ENGLISH, FAQ_PATHS, SPANISH, STATE_DIRECTORY_PATHS
from knowledge_base import KnowledgeBase
from knowledge_base.contacts import office, parent_center
from knowledge_base.states import NAMES, spanish_name
from webapp.faq_strings import alternate_links, language_link, page_html, text

# The 50 states, DC and Puerto Rico (the table); the other territories are
# recognised in chat but have no row yet, so the page does not list them.
DIRECTORY_STATES = tuple(code for code in NAMES if code not in {"GU", "VI", "AS", "MP"})


def state_directory(kb: KnowledgeBase, language: str = ENGLISH) -> List[Dict[str, Any]]:
    """One entry per state: its checked office and center (or null), and where they were
    checked; names and the part of a state a center serves in ``language``."""
    spanish = language == SPANISH
    entries = []
    for code in DIRECTORY_STATES:
        found_office, center = office(kb, code), parent_center(kb, code)
        entries.append(
            {
                "state": code,
                "name": spanish_name(code) if spanish else NAMES[code],
                "anchor": f"{STATE_DIRECTORY_PATHS[language]}#{code}",
                "office": None
                if found_office is None
                else {
                    "name": found_office.name,
                    "url": found_office.url,
                    "phone": found_office.phone,
                    "checked_at": found_office.checked_at,
                    "checked_on": found_office.checked_on.isoformat(),
                },
                "parent_center": None
                if center is None
                else {
                    "name": center.name,
                    "url": center.url,
                    "serves": center.serves_es if spanish else center.serves,
                    "checked_at": center.checked_at,
                    "checked_on": center.checked_on.isoformat(),
                },
            }
        )
    return entries


def _title(name: str) -> str:
    """'The District of Columbia' at the start of a heading or list item."""
    return name[0].upper() + name[1:]


def _sort_key(name: str) -> str:
    """'el Distrito de Columbia' sorts under D, 'Míchigan' as 'michigan'."""
    plain = unicodedata.normalize("NFD", name.lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain[3:] if plain.startswith(("el ", "la ")) else plain


def _link(label: str, url: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener">{escape(label)}</a>'


def _state_html(kb: KnowledgeBase, entry: Dict[str, Any], language: str) -> str:
    code = escape(entry["state"])
    directories = kb.state_directories
    spanish = language == SPANISH
    found_office, center = entry["office"], entry["parent_center"]
    if found_office:
        phone = f", {escape(found_office['phone'])}" if found_office["phone"] else ""
        office_html = f"{_link(found_office['name'], found_office['url'])}{phone}"
    else:
        directory = directories.office
        office_html = page_html(
            "office_unchecked",
            language,
            directory=_link(directory.es.name if spanish else directory.name, directory.url),
        )
    if center:
        serves = (
            " (" + escape(kb.phrase("center_serves", language, serves=center["serves"])) + ")"
            if center["serves"]
            else ""
        )
        center_html = f"{_link(center['name'], center['url'])}{serves}"
    else:
        directory = directories.parent_center
        center_html = page_html(
            "center_unchecked",
            language,
            directory=_link(directory.es.name if spanish else directory.name, directory.url),
        )
    checked = sorted({e["checked_on"] for e in (found_office, center) if e})
    dates = text("checked", language).format(dates=", ".join(checked))
    when = f'<p class="faq-state-checked">{escape(dates)}</p>' if checked else ""
    return (
        f'<section class="faq-state" id="{code}" aria-labelledby="h-{code}">'
        f'<h2 id="h-{code}">{escape(_title(entry["name"]))}</h2>'
        f"<ul><li><strong>{escape(text('office_label', language))}</strong> "
        f"{escape(text('office_role', language))}: {office_html}</li>"
        f"<li><strong>{escape(text('center_label', language))}</strong> "
        f"{escape(text('center_role', language))}: {center_html}</li></ul>{when}</section>"
    )


def state_directory_html(kb: KnowledgeBase, language: str = ENGLISH) -> str:
    """The page in ``language``: a list of states linking to their anchors, then one section
    per state."""
    entries = state_directory(kb, language)
    if language == SPANISH:  # "Carolina del Norte" under C, as a Spanish reader looks for it
        entries.sort(key=lambda e: _sort_key(e["name"]))
    index = "".join(
        f'<li><a href="#{escape(e["state"])}">{escape(_title(e["name"]))}</a></li>' for e in entries
    )
    body = "\n".join(_state_html(kb, e, language) for e in entries)
    disclaimer = escape((kb.notice.es if language == SPANISH else kb.notice).disclaimer)
    home = f'<a href="{FAQ_PATHS[language]}">{escape(text("all_questions", language))}</a>'
    states_label = escape(text("states_nav", language))
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text("states_title", language))}</title>
{alternate_links(STATE_DIRECTORY_PATHS)}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/faq/faq.css">
</head>
<body>
<header class="faq-header"><div class="faq-topbar">
<p class="faq-home">{home}</p>
{language_link(STATE_DIRECTORY_PATHS, language)}</div>
<h1>{escape(text("states_heading", language))}</h1>
</header>
<main>
<p class="faq-disclaimer"><strong>{disclaimer}</strong></p>
<p>{escape(text("states_intro", language))}</p>
<nav class="faq-toc-nav" aria-label="{states_label}"><ul class="faq-toc">{index}</ul></nav>
{body}
</main>
<div class="faq-print-notice" aria-hidden="true"><p>{disclaimer}</p></div>
</body>
</html>
"""
