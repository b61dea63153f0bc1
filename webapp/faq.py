"""The self-service FAQ, generated from the knowledge base (no copied text).

``faq_document`` is the JSON the site's CMS can read (served at /faq.json); ``faq_html``
renders the same content as a page with one stable anchor (``#<topic id>``) per topic.
"""

from __future__ import annotations

from html import escape
from typing import Any, Dict, List

from actions.rendering import reference_titles, source_line
from knowledge_base import KnowledgeBase, Topic
from knowledge_base.states import name_of

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
    }


def _topic_html(entry: Dict[str, Any], titles: Dict[str, str]) -> str:
    parts = [
        f'<article class="faq-topic" id="{escape(entry["id"])}">',
        f'<h3>{escape(entry["question"])}</h3>',
        f'<p class="faq-answer">{escape(entry["answer"])}</p>',
    ]
    if entry["details"]:
        parts.append(f'<p class="faq-details">{escape(entry["details"])}</p>')
    if entry["federal_note"]:
        note = entry["federal_note"]
        parts.append(
            f'<p class="faq-law"><strong>What federal law says:</strong> '
            f'{escape(note["text"])} ({escape(note["citation"])})</p>'
        )
    if entry["state_notes"]:
        items = "".join(
            f'<li><strong>{escape(n["name"])}:</strong> {escape(n["note"])} '
            f'<span class="faq-state-source">(Source: {escape(n["source"])})</span></li>'
            for n in entry["state_notes"]
        )
        parts.append(
            f'<div class="faq-states"><p><strong>State rules we have checked</strong> '
            f"(elsewhere, ask your state's dispute resolution office):</p>"
            f"<ul>{items}</ul></div>"
        )
    parts.append(f'<p class="faq-source">{escape(entry["source"])}</p>')
    related = "".join(
        f'<li><a href="#{escape(t)}">{escape(titles[t])}</a></li>' for t in entry["related"]
    )
    parts.append(
        f'<nav class="faq-related" aria-label="Related questions"><ul>{related}</ul></nav>'
    )
    parts.append("</article>")
    return "\n".join(parts)


def faq_html(kb: KnowledgeBase, rasa_url: str) -> str:
    """The FAQ page. ``rasa_url`` is where its search asks the assistant's NLU."""
    document = faq_document(kb)
    titles = {t.id: t.title for t in kb.topics.values()}
    toc: List[str] = []
    sections: List[str] = []
    for area in document["areas"]:
        toc.append(f'<li><a href="#area-{escape(area["id"])}">{escape(area["title"])}</a></li>')
        topics = "\n".join(_topic_html(entry, titles) for entry in area["topics"])
        sections.append(
            f'<section class="faq-area" id="area-{escape(area["id"])}" '
            f'aria-labelledby="h-{escape(area["id"])}">'
            f'<h2 id="h-{escape(area["id"])}">{escape(area["title"])}</h2>\n{topics}</section>'
        )
    contacts = "".join(
        f'<li><strong>{escape(c["name"])}</strong>: {escape(c["how"])}</li>'
        for c in document["help_contacts"]
    )
    article = document["sources"]["article"]
    regulations = ", ".join(
        f'<a href="{escape(r["url"])}" rel="noopener">{escape(r["title"])}</a>'
        for r in document["sources"]["regulations"]
    )
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
<header class="faq-header"><p><a href="/demo/">Parent Advocacy Network</a></p>
<h1>IEP mediation: questions and answers</h1>
<p class="faq-disclaimer"><strong>{escape(document["disclaimer"])}</strong>
{escape(document["privacy"])}</p>
<p>Answers are based on
<a href="{escape(article["url"])}" rel="noopener">“{escape(article["title"])}”</a>, the federal
regulations ({regulations}) and the guidance named under each answer.</p>
</header>
<main>
<form class="faq-search" role="search" data-rasa-url="{escape(rasa_url)}">
<label for="faq-search-input">Search the questions</label>
<input id="faq-search-input" type="search" name="q" autocomplete="off" maxlength="300">
<button type="submit">Search</button>
<p id="faq-search-status" class="faq-search-status" aria-live="polite"></p>
<ol id="faq-search-results" class="faq-search-results"></ol>
</form>
<nav aria-label="Topics"><ul class="faq-toc">{"".join(toc)}</ul></nav>
{"".join(sections)}
<section class="faq-help" id="help" aria-labelledby="h-help">
<h2 id="h-help">Talk to a person</h2><ul>{contacts}</ul></section>
</main>
<script src="/faq/faq.js" defer></script>
</body>
</html>
"""
