"""The self-service FAQ, generated from the knowledge base (no copied text), in English
(``/faq/``, ``/faq.json``) and Spanish (``/es/faq/``, ``/es/faq.json``).

``faq_document`` is the JSON the site's CMS can read; ``faq_html`` renders the same content
as a page with one stable anchor (``#<topic id>``) per topic, the same in both languages,
so a chat reply links to either page with the same anchor. The Spanish page is built from
the knowledge base's Spanish forms (``es:``) and the page strings of
``webapp/faq_strings.py``; each page names the other with ``hreflang`` links and a
visible language link. On the page every source is a link and every address in the text
is one (``linkify``); the disclaimer opens each area as well as the page, and a print-only
copy of it is repeated at the foot of each printed page (``site/faq/faq.css``,
``@media print``).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Dict, List

from contract import ENGLISH, FAQ_PATHS, SPANISH, STATE_DIRECTORY_PATHS
from knowledge_base import KnowledgeBase, Topic
from knowledge_base.citations import article_citation, reference_titles, source_line
from knowledge_base.loader import Area
from knowledge_base.states import name_of, spanish_name
from webapp.faq_states import state_directory
from webapp.faq_strings import alternate_links, html_text, language_link, page_html, text
from webapp.linkify import linkify

FAQ_SCHEMA_VERSION = 2
# Where each language's JSON is served (scripts/build_site.py writes them).
JSON_PATHS = {ENGLISH: "/faq.json", SPANISH: "/es/faq.json"}


def _spanish(language: str) -> bool:
    return language == SPANISH


def state_name(code: str, language: str = ENGLISH) -> str:
    """The state's name as the page's language writes it ('Pensilvania')."""
    return spanish_name(code) if _spanish(language) else name_of(code)


def topic_text(topic: Topic, field: str, language: str = ENGLISH) -> str:
    """A topic's title, question, answer or details in ``language`` ('' when it has none)."""
    return (getattr(topic.es, field) if _spanish(language) else getattr(topic, field)) or ""


def federal_note_text(topic: Topic, language: str = ENGLISH) -> str:
    note = topic.federal_note
    if note is None:
        return ""
    return (topic.es.federal_note or "") if _spanish(language) else note.text


def area_title(area: Area, language: str = ENGLISH) -> str:
    return area.es_title if _spanish(language) else area.title


def state_notes(kb: KnowledgeBase, topic: Topic, language: str = ENGLISH) -> List[Dict[str, Any]]:
    """The verified state notes for a topic, with their sources."""
    return [
        {
            "state": n.state,
            "name": state_name(n.state, language),
            "note": n.es.note if _spanish(language) else n.note,
            "source": reference_titles(kb, n.references),
            "urls": [kb.references[r].url for r in n.references],
        }
        for n in kb.state_notes
        if topic.id in n.topics
    ]


def topic_entry(kb: KnowledgeBase, topic: Topic, language: str = ENGLISH) -> Dict[str, Any]:
    """One topic as the FAQ shows it."""
    note = topic.federal_note
    return {
        "id": topic.id,
        "anchor": f"#{topic.id}",
        "title": topic_text(topic, "title", language),
        "question": topic_text(topic, "question", language),
        "answer": topic_text(topic, "answer", language),
        "details": topic_text(topic, "details", language),
        "source": source_line(kb, topic, language),
        "federal_note": {"text": federal_note_text(topic, language), "citation": note.citation}
        if note
        else None,
        "state_notes": state_notes(kb, topic, language),
        "related": list(topic.related),
    }


def faq_document(kb: KnowledgeBase, language: str = ENGLISH) -> Dict[str, Any]:
    """Every topic, grouped by area in display order, plus the sources and help contacts,
    in ``language`` (``lang``); source titles are names and stay as published."""
    notice = kb.notice.es if _spanish(language) else kb.notice
    return {
        "version": FAQ_SCHEMA_VERSION,
        "lang": language,
        "page": FAQ_PATHS[language],
        "alternates": {lang: JSON_PATHS[lang] for lang in JSON_PATHS if lang != language},
        "disclaimer": notice.disclaimer,
        "privacy": notice.privacy,
        "sources": {
            "article": {"title": kb.article.title, "url": kb.article.url},
            "regulations": [
                {"section": s.section, "title": s.title, "url": s.url}
                for s in kb.regulations.values()
            ],
            "references": [
                {
                    "id": r.id,
                    "title": r.title,
                    "publisher": r.publisher,
                    "kind": r.kind,
                    "url": r.url,
                }
                for r in kb.references.values()
            ],
        },
        "areas": [
            {
                "id": area.id,
                "title": area_title(area, language),
                "topics": [topic_entry(kb, kb.topic(t), language) for t in area.topics],
            }
            for area in kb.areas
        ],
        "help_contacts": [
            {"name": c.es.name, "how": c.es.how}
            if _spanish(language)
            else {"name": c.name, "how": c.how}
            for c in kb.help_contacts
        ],
        "state_directory": state_directory(kb, language),
    }


def _source_link(title: str, url: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener">{escape(title)}</a>'


def regulation_links(kb: KnowledgeBase, topic: Topic) -> List[str]:
    """'34 CFR 300.506(a), (b)(4)', '300.510': each cited section once, linked to its text."""
    by_section: Dict[str, List[str]] = {}
    for ref in topic.regulation_refs:
        section, paren, rest = ref.partition("(")
        by_section.setdefault(section, []).append(paren + rest)
    links = []
    for number, (section, paragraphs) in enumerate(by_section.items()):
        named = [p for p in paragraphs if p]
        label = ("34 CFR " if number == 0 else "") + section + ", ".join(named)
        regulation = kb.regulations.get(section)
        links.append(_source_link(label, regulation.url) if regulation else escape(label))
    return links


def source_html(kb: KnowledgeBase, topic: Topic, language: str = ENGLISH) -> str:
    """The topic's source line ("Source: …", "Fuente: …": the knowledge base's phrase) with
    the article, each regulation section and each named reference linked to where it can
    be read (printed with its address)."""
    bits = []
    if topic.article_refs:
        bits.append(
            _source_link(f"“{kb.article.title}”", kb.article.url)
            + f" ({escape(article_citation(kb, topic))})"
        )
    bits.extend(regulation_links(kb, topic))
    bits.extend(
        _source_link(kb.references[r].title, kb.references[r].url) for r in topic.source.references
    )
    return html_text(kb.phrase("source", language), sources="; ".join(bits))


def citation_html(kb: KnowledgeBase, citation: str) -> str:
    """A citation such as '34 CFR 300.506(a); 34 CFR 300.510' with each known section and
    its paragraphs ('300.506(a)') linked to the section's text."""

    def link(match: "re.Match[str]") -> str:
        regulation = kb.regulations.get(match.group(1))
        return _source_link(match.group(0), regulation.url) if regulation else match.group(0)

    # On the raw text (escaped by _source_link and here), so no entity breaks a match.
    pieces, position = [], 0
    for match in re.finditer(r"\b(\d{3}\.\d{1,3})((?:\([0-9a-z]+\))*)", citation):
        pieces.append(escape(citation[position : match.start()]) + link(match))
        position = match.end()
    return "".join(pieces) + escape(citation[position:])


def federal_law_html(kb: KnowledgeBase, topic: Topic, language: str = ENGLISH) -> str:
    """The knowledge base's "What federal law says: {text} ({citation})" phrase, its words
    before the note in bold, the note's addresses and the citation's sections linked."""
    note = topic.federal_note
    if note is None:
        return ""
    template = kb.phrase("federal_law", language)
    label, marker, rest = template.partition("{text}")
    if not (label.strip() and marker):  # no words before the note: nothing to embolden
        label, rest = "", template
    label_html = f"<strong>{escape(label.strip())}</strong> " if label else ""
    return label_html + html_text(
        marker + rest if label else rest,
        text=linkify(federal_note_text(topic, language)),
        # The citation is shared by both languages (a reference, as published).
        citation=f'<span class="faq-citation">{citation_html(kb, note.citation)}</span>',
    )


def _state_notes_html(kb: KnowledgeBase, topic: Topic, language: str) -> str:
    items = "".join(
        f"<li><strong>{escape(state_name(n.state, language))}:</strong> "
        f"{linkify(n.es.note if _spanish(language) else n.note)} "
        '<span class="faq-state-source">('
        + html_text(
            kb.phrase("source", language),
            sources="; ".join(
                _source_link(kb.references[r].title, kb.references[r].url) for r in n.references
            ),
        )
        + ")</span></li>"
        for n in kb.state_notes
        if topic.id in n.topics
    )
    if not items:
        return ""
    return (
        f'<div class="faq-states"><p><strong>{escape(text("state_rules", language))}</strong> '
        f'{escape(text("state_rules_elsewhere", language))}</p>'
        f"<ul>{items}</ul></div>"
    )


def _topic_html(kb: KnowledgeBase, topic: Topic, language: str) -> str:
    tid = escape(topic.id)
    title = topic_text(topic, "title", language)
    details = topic_text(topic, "details", language)
    # data-title: the search lists results by title in the page's own language.
    parts = [
        f'<article class="faq-topic" id="{tid}" data-title="{escape(title)}">',
        f"<h3>{escape(topic_text(topic, 'question', language))}</h3>",
        f'<p class="faq-answer">{linkify(topic_text(topic, "answer", language))}</p>',
    ]
    if details:
        parts.append(f'<p class="faq-details">{linkify(details)}</p>')
    if topic.federal_note:
        parts.append(f'<p class="faq-law">{federal_law_html(kb, topic, language)}</p>')
    parts.append(_state_notes_html(kb, topic, language))
    parts.append(f'<p class="faq-source">{source_html(kb, topic, language)}</p>')
    # Not a landmark: 43 "navigation" regions would drown the page's own two for a screen
    # reader; a list named after its topic is what a reader needs here.
    related = "".join(
        f'<li><a href="#{escape(t)}">{escape(topic_text(kb.topic(t), "title", language))}</a></li>'
        for t in topic.related
    )
    if related:
        label = page_html("related_to", language, title=escape(title))
        parts.append(
            f'<div class="faq-related"><p class="faq-related-label" id="related-{tid}">'
            f"{label}</p>"
            f'<ul aria-labelledby="related-{tid}">{related}</ul></div>'
        )
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def _area_html(kb: KnowledgeBase, area: Area, language: str, disclaimer: str) -> str:
    aid = escape(area.id)
    body = "\n".join(_topic_html(kb, kb.topic(t), language) for t in area.topics)
    return (
        f'<section class="faq-area" id="area-{aid}" aria-labelledby="h-{aid}">'
        f'<h2 id="h-{aid}">{escape(area_title(area, language))}</h2>\n'
        f'<p class="faq-area-notice">{escape(disclaimer)}</p>\n{body}\n'
        f'<p class="faq-top"><a href="#top">{escape(text("back_to_top", language))}</a></p>'
        "</section>"
    )


def _search_messages(language: str) -> str:
    """The search script's messages as data attributes: faq.js has no words of its own."""
    keys = ("searching", "best_matches", "no_match", "offline_matches", "offline_no_match")
    attributes = [f'data-msg-{k.replace("_", "-")}="{escape(text(k, language))}"' for k in keys]
    attributes.append(f'data-msg-talk="{escape(text("talk_to_person", language))}"')
    return " ".join(attributes)


def faq_html(kb: KnowledgeBase, rasa_url: str, language: str = ENGLISH) -> str:
    """The FAQ page in ``language``. ``rasa_url`` is where its search asks the assistant's
    NLU (which reads English and Spanish)."""
    spanish = _spanish(language)
    notice = kb.notice.es if spanish else kb.notice
    toc = "".join(
        f'<li><a href="#area-{escape(a.id)}">{escape(area_title(a, language))}</a></li>'
        for a in kb.areas
    )
    sections = "\n".join(_area_html(kb, a, language, notice.disclaimer) for a in kb.areas)
    contacts = "".join(
        f"<li><strong>{escape(c.es.name if spanish else c.name)}</strong>: "
        f"{linkify(c.es.how if spanish else c.how)}</li>"
        for c in kb.help_contacts
    )
    article = kb.article
    regulations = ", ".join(_source_link(r.title, r.url) for r in kb.regulations.values())
    article_link = _source_link(f"“{article.title}”", article.url)
    disclaimer = escape(notice.disclaimer)
    states_link = (
        f'<a href="{STATE_DIRECTORY_PATHS[language]}">'
        + escape(text("states_heading", language))
        + "</a>"
    )
    search_attributes = f'data-rasa-url="{escape(rasa_url)}" {_search_messages(language)}'
    print_label, topics_label = (
        escape(text("print", language)),
        escape(text("topics_nav", language)),
    )
    return f"""<!doctype html>
<html lang="{language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(text("page_title", language))}</title>
{alternate_links(FAQ_PATHS)}
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/faq/faq.css">
</head>
<body>
<header class="faq-header" id="top"><div class="faq-topbar">
<p class="faq-home"><a href="/demo/">Parent Advocacy Network</a></p>
{language_link(FAQ_PATHS, language)}</div>
<h1>{escape(text("page_title", language))}</h1>
</header>
<main>
<form class="faq-search" role="search" {search_attributes}>
<label for="faq-search-input">{escape(text("search_label", language))}</label>
<input id="faq-search-input" type="search" name="q" autocomplete="off" maxlength="300">
<button type="submit">{escape(text("search_button", language))}</button>
<p id="faq-search-status" class="faq-search-status" aria-live="polite"></p>
<ol id="faq-search-results" class="faq-search-results"></ol>
</form>
<div class="faq-intro">
<p class="faq-disclaimer"><strong>{disclaimer}</strong>
{escape(notice.privacy)}</p>
<p>{page_html("based_on", language, article=article_link, regulations=regulations)}</p>
<p class="faq-print-link"><button type="button" id="faq-print" hidden>{print_label}</button></p>
</div>
<nav class="faq-toc-nav" aria-label="{topics_label}"><ul class="faq-toc">{toc}</ul></nav>
{sections}
<section class="faq-help" id="help" aria-labelledby="h-help">
<h2 id="h-help">{escape(text("talk_to_person", language))}</h2><ul>{contacts}</ul>
<p>{page_html("states_link", language, link=states_link)}</p></section>
</main>
<div class="faq-print-notice" aria-hidden="true"><p>{disclaimer}</p></div>
<script src="/faq/faq.js" defer></script>
</body>
</html>
"""
