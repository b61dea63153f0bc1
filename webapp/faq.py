"""The self-service FAQ, generated from the knowledge base (no copied text).

``faq_document`` is the JSON the site's CMS can read (served at /faq.json); ``faq_html``
renders the same content as a page with one stable anchor (``#<topic id>``) per topic.
On the page every source is a link and every address in the text is one (``linkify``);
the disclaimer opens each area as well as the page, and a print-only copy of it is
repeated at the foot of each printed page (``site/faq/faq.css``, ``@media print``).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Dict, List

from actions.rendering import article_citation, reference_titles, source_line
from knowledge_base import KnowledgeBase, Topic
from knowledge_base.states import name_of
from webapp.faq_states import PAGE_PATH as STATES_PAGE
from webapp.faq_states import state_directory
from webapp.linkify import linkify

FAQ_SCHEMA_VERSION = 2


def state_notes(kb: KnowledgeBase, topic: Topic) -> List[Dict[str, Any]]:
    """The verified state notes for a topic, with their sources."""
    return [
        {
            "state": n.state,
            "name": name_of(n.state),
            "note": n.note,
            "source": reference_titles(kb, n.references),
            "urls": [kb.references[r].url for r in n.references],
        }
        for n in kb.state_notes
        if topic.id in n.topics
    ]


def topic_entry(kb: KnowledgeBase, topic: Topic) -> Dict[str, Any]:
    """One topic as the FAQ shows it."""
    note = topic.federal_note
    return {
        "id": topic.id,
        "anchor": f"#{topic.id}",
        "title": topic.title,
        "question": topic.question,
        "answer": topic.answer,
        "details": topic.details,
        "source": source_line(kb, topic),
        "federal_note": {"text": note.text, "citation": note.citation} if note else None,
        "state_notes": state_notes(kb, topic),
        "related": list(topic.related),
    }


def faq_document(kb: KnowledgeBase) -> Dict[str, Any]:
    """Every topic, grouped by area in display order, plus the sources and help contacts."""
    return {
        "version": FAQ_SCHEMA_VERSION,
        "disclaimer": kb.notice.disclaimer,
        "privacy": kb.notice.privacy,
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
                "title": area.title,
                "topics": [topic_entry(kb, kb.topic(t)) for t in area.topics],
            }
            for area in kb.areas
        ],
        "help_contacts": [{"name": c.name, "how": c.how} for c in kb.help_contacts],
        "state_directory": state_directory(kb),
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


def source_html(kb: KnowledgeBase, topic: Topic) -> str:
    """The topic's source line with the article, each regulation section and each named
    reference linked to where it can be read (printed with its address)."""
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
    return "Source: " + "; ".join(bits)


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


def _state_notes_html(kb: KnowledgeBase, topic: Topic) -> str:
    items = "".join(
        f"<li><strong>{escape(name_of(n.state))}:</strong> {linkify(n.note)} "
        '<span class="faq-state-source">(Source: '
        + "; ".join(
            _source_link(kb.references[r].title, kb.references[r].url) for r in n.references
        )
        + ")</span></li>"
        for n in kb.state_notes
        if topic.id in n.topics
    )
    if not items:
        return ""
    return (
        '<div class="faq-states"><p><strong>State rules we have checked</strong> '
        "(elsewhere, ask your state's dispute resolution office):</p>"
        f"<ul>{items}</ul></div>"
    )


def _topic_html(kb: KnowledgeBase, topic: Topic) -> str:
    tid = escape(topic.id)
    parts = [
        f'<article class="faq-topic" id="{tid}">',
        f"<h3>{escape(topic.question)}</h3>",
        f'<p class="faq-answer">{linkify(topic.answer)}</p>',
    ]
    if topic.details:
        parts.append(f'<p class="faq-details">{linkify(topic.details)}</p>')
    if topic.federal_note:
        note = topic.federal_note
        parts.append(
            f'<p class="faq-law"><strong>What federal law says:</strong> '
            f"{linkify(note.text)} ({citation_html(kb, note.citation)})</p>"
        )
    parts.append(_state_notes_html(kb, topic))
    parts.append(f'<p class="faq-source">{source_html(kb, topic)}</p>')
    # Not a landmark: 43 "navigation" regions would drown the page's own two for a screen
    # reader; a list named after its topic is what a reader needs here.
    related = "".join(
        f'<li><a href="#{escape(t)}">{escape(kb.topic(t).title)}</a></li>' for t in topic.related
    )
    if related:
        parts.append(
            f'<div class="faq-related"><p class="faq-related-label" id="related-{tid}">'
            f"Related to “{escape(topic.title)}”:</p>"
            f'<ul aria-labelledby="related-{tid}">{related}</ul></div>'
        )
    parts.append("</article>")
    return "\n".join(p for p in parts if p)


def _area_html(kb: KnowledgeBase, area_id: str, title: str, topics: List[str]) -> str:
    aid = escape(area_id)
    body = "\n".join(_topic_html(kb, kb.topic(t)) for t in topics)
    return (
        f'<section class="faq-area" id="area-{aid}" aria-labelledby="h-{aid}">'
        f'<h2 id="h-{aid}">{escape(title)}</h2>\n'
        f'<p class="faq-area-notice">{escape(kb.notice.disclaimer)}</p>\n{body}</section>'
    )


def faq_html(kb: KnowledgeBase, rasa_url: str) -> str:
    """The FAQ page. ``rasa_url`` is where its search asks the assistant's NLU."""
    toc = "".join(
        f'<li><a href="#area-{escape(a.id)}">{escape(a.title)}</a></li>' for a in kb.areas
    )
    sections = "\n".join(_area_html(kb, a.id, a.title, list(a.topics)) for a in kb.areas)
    contacts = "".join(
        f"<li><strong>{escape(c.name)}</strong>: {linkify(c.how)}</li>" for c in kb.help_contacts
    )
    article = kb.article
    regulations = ", ".join(_source_link(r.title, r.url) for r in kb.regulations.values())
    disclaimer = escape(kb.notice.disclaimer)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IEP mediation: questions and answers</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/faq/faq.css">
</head>
<body>
<header class="faq-header"><p class="faq-home"><a href="/demo/">Parent Advocacy Network</a></p>
<h1>IEP mediation: questions and answers</h1>
</header>
<main>
<form class="faq-search" role="search" data-rasa-url="{escape(rasa_url)}">
<label for="faq-search-input">Search the questions</label>
<input id="faq-search-input" type="search" name="q" autocomplete="off" maxlength="300">
<button type="submit">Search</button>
<p id="faq-search-status" class="faq-search-status" aria-live="polite"></p>
<ol id="faq-search-results" class="faq-search-results"></ol>
</form>
<div class="faq-intro">
<p class="faq-disclaimer"><strong>{disclaimer}</strong>
{escape(kb.notice.privacy)}</p>
<p>Answers are based on
<a href="{escape(article.url)}" rel="noopener">“{escape(article.title)}”</a>, the federal
regulations ({regulations}) and the guidance named under each answer.</p>
</div>
<nav class="faq-toc-nav" aria-label="Topics"><ul class="faq-toc">{toc}</ul></nav>
{sections}
<section class="faq-help" id="help" aria-labelledby="h-help">
<h2 id="h-help">Talk to a person</h2><ul>{contacts}</ul>
<p><a href="{STATES_PAGE}">Who to contact in your state</a>: every state's dispute
resolution office and Parent Training and Information Center.</p></section>
</main>
<div class="faq-print-notice" aria-hidden="true"><p>{disclaimer}</p></div>
<script src="/faq/faq.js" defer></script>
</body>
</html>
"""
