"""The FAQ's state directory: every state's dispute resolution office and Parent Training
and Information Center, one anchor per state (``/faq/states/#PA``), from the knowledge
base's checked table. A state without a checked row names the national directories.

``state_directory`` is the same content as data (in ``faq.json``); ``state_directory_html``
is the page. The chat links a parent who named a state to its anchor.
"""

from __future__ import annotations

from html import escape
from typing import Any, Dict, List

from actions.local_help import office, parent_center
from contract import STATE_DIRECTORY_PATH
from knowledge_base import KnowledgeBase
from knowledge_base.states import NAMES

# The 50 states, DC and Puerto Rico (the table); the other territories are
# recognised in chat but have no row yet, so the page does not list them.
DIRECTORY_STATES = tuple(code for code in NAMES if code not in {"GU", "VI", "AS", "MP"})
PAGE_PATH = STATE_DIRECTORY_PATH


def state_directory(kb: KnowledgeBase) -> List[Dict[str, Any]]:
    """One entry per state: its checked office and center (or null), and where they were
    checked."""
    entries = []
    for code in DIRECTORY_STATES:
        found_office, center = office(kb, code), parent_center(kb, code)
        entries.append(
            {
                "state": code,
                "name": NAMES[code],
                "anchor": f"{PAGE_PATH}#{code}",
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
                    "serves": center.serves,
                    "checked_at": center.checked_at,
                    "checked_on": center.checked_on.isoformat(),
                },
            }
        )
    return entries


def _title(name: str) -> str:
    """'The District of Columbia' at the start of a heading or list item."""
    return name[0].upper() + name[1:]


def _link(text: str, url: str) -> str:
    return f'<a href="{escape(url)}" rel="noopener">{escape(text)}</a>'


def _state_html(kb: KnowledgeBase, entry: Dict[str, Any]) -> str:
    code = escape(entry["state"])
    directories = kb.state_directories
    found_office, center = entry["office"], entry["parent_center"]
    if found_office:
        phone = f", {escape(found_office['phone'])}" if found_office["phone"] else ""
        office_html = f"{_link(found_office['name'], found_office['url'])}{phone}"
    else:
        office_html = (
            "not checked yet: look on the state education department's website, or ask "
            + _link(directories.office.name, directories.office.url)
        )
    if center:
        serves = f" (serves {escape(center['serves'])})" if center["serves"] else ""
        center_html = f"{_link(center['name'], center['url'])}{serves}"
    else:
        center_html = "not checked yet: " + _link(
            directories.parent_center.name, directories.parent_center.url
        )
    checked = sorted({e["checked_on"] for e in (found_office, center) if e})
    when = f'<p class="faq-state-checked">Checked {", ".join(checked)}.</p>' if checked else ""
    return (
        f'<section class="faq-state" id="{code}" aria-labelledby="h-{code}">'
        f'<h2 id="h-{code}">{escape(_title(entry["name"]))}</h2>'
        f"<ul><li><strong>Dispute resolution office</strong> (runs mediation): {office_html}</li>"
        f"<li><strong>Parent Training and Information Center</strong> (free help): "
        f"{center_html}</li></ul>{when}</section>"
    )


def state_directory_html(kb: KnowledgeBase) -> str:
    """The page: a list of states linking to their anchors, then one section per state."""
    entries = state_directory(kb)
    index = "".join(
        f'<li><a href="#{escape(e["state"])}">{escape(_title(e["name"]))}</a></li>' for e in entries
    )
    body = "\n".join(_state_html(kb, e) for e in entries)
    disclaimer = escape(kb.notice.disclaimer)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>IEP mediation: who to contact in your state</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/faq/faq.css">
</head>
<body>
<header class="faq-header"><p class="faq-home"><a href="/faq/">All questions and answers</a></p>
<h1>Who to contact in your state</h1>
</header>
<main>
<p class="faq-disclaimer"><strong>{disclaimer}</strong></p>
<p>Each state's dispute resolution office runs mediation; its Parent Training and
Information Center helps parents for free. Every address below was checked on the
office's or center's own published page on the date shown; where we could not check one,
we point you to the national directories instead.</p>
<nav class="faq-toc-nav" aria-label="States"><ul class="faq-toc">{index}</ul></nav>
{body}
</main>
<div class="faq-print-notice" aria-hidden="true"><p>{disclaimer}</p></div>
</body>
</html>
"""
