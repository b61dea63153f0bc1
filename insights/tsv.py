"""The declined questions as a TSV, ready to label and add to the training data.

The content owner opens it in a spreadsheet (docs/content-guide.md), and what a parent typed
could otherwise run there as a formula (``=HYPERLINK(…)``, ``+cmd|…``). So, as the OWASP
CSV-injection guidance says, every cell has its whitespace collapsed (no tab or line break
inside a cell can start another cell or row) and a cell that would begin with ``=``, ``+``,
``-``, ``@``, a tab, a carriage return or a double quote (which would start a quoted field)
gets a leading ``'``, which spreadsheets read as "this is text"; the header says to drop it.
"""

from __future__ import annotations

import datetime as dt
from typing import Dict, List, Tuple

from insights.clusters import Cluster
from insights.period import Period, day_of

COLUMNS = ("text", "suggested_intent", "count", "first_seen", "cluster", "language")
HEADER = """\
# Questions the assistant declined ("that's not something I cover"), {since} to {until}.
# How to use it (docs/content-guide.md, "Using the declined questions"):
#  1. For each row, decide what it is and put that in suggested_intent (which holds the
#     assistant's own best guess): one of our topics (its ask_<topic id>), a question we
#     should keep declining (out_of_scope), or neither (delete the row).
#  2. Copy each text, as "    - <text>", under that intent in the data/nlu/ file of its area
#     (out_of_scope: data/nlu/out_of_scope.yml); a row whose language is es goes to the
#     file of the same name in data/nlu/es/ instead. A question no topic answers may need
#     a new topic first (docs/content-guide.md, "Adding a topic").
#  3. Run `make train`, then `make test`.
# Columns: text (as the parent typed it, after redaction), suggested_intent, count (times
# asked in the period), first_seen (UTC date), cluster (the group number in the report),
# language (en English, es Spanish: the conversation's language when it was asked).
# A text that began with =, +, -, @ or " has a ' added in front, so that the spreadsheet
# shows it as text and never runs it as a formula: drop that ' when copying it to data/nlu/.
"""
# A cell starting with one of these could be read as a formula (or a quoted field).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", '"')


def _cell(value: object) -> str:
    """One cell: whitespace collapsed, and ``'`` in front of what could start a formula."""
    text = " ".join(str(value).split())
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def rows(clusters: List[Cluster]) -> List[Tuple[str, str, int, dt.date, int, str]]:
    """One row per distinct declined wording, in the report's cluster order."""
    out = []
    for number, group in enumerate(clusters, start=1):
        by_wording: Dict[str, list] = {}
        for question in group.questions:
            if question.kind == "declined":
                by_wording.setdefault(" ".join(question.text.lower().split()), []).append(question)
        for asked in sorted(by_wording.values(), key=lambda qs: (-len(qs), qs[0].timestamp)):
            first = min(asked, key=lambda q: q.timestamp)
            out.append(
                (
                    first.text,
                    first.suggested_intent,
                    len(asked),
                    day_of(first.timestamp),
                    number,
                    group.language,
                )
            )
    return out


def declined_tsv(clusters: List[Cluster], period: Period) -> str:
    """The file's text: the header comment, the column names, the rows."""
    lines = [HEADER.format(since=period.since, until=period.until).rstrip("\n"), "\t".join(COLUMNS)]
    lines += ["\t".join(_cell(v) for v in row) for row in rows(clusters)]
    return "\n".join(lines) + "\n"
