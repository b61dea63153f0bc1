"""The report as one HTML page: figures, inline SVG charts, the grouped questions.

The same page is written to a file by ``make report`` (stylesheet embedded, so the file
opens anywhere) and served by the site at /insights/ (stylesheet linked: the site's CSP
allows styles only from its own files). No script.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import Dict, List, Optional

from contract import LANGUAGE_NAMES, LANGUAGES, SPANISH
from contract import conversations as channels
from insights import charts
from insights.clusters import Cluster
from insights.metrics import Feedback, Insights
from insights.turns import ANSWERED, CLARIFIED, DECLINED
from knowledge_base import KnowledgeBase
from knowledge_base.states import known_state, name_of

STYLESHEET = Path(__file__).resolve().parent / "report.css"
TOP_TOPICS = 15
# Rasa's channel names (``input_channel``) as the organisation knows them.
CHANNEL_NAMES = {
    channels.SOCKETIO: "web chat (widget)",
    channels.REST: "REST API",
    channels.TWILIO: "SMS / WhatsApp",
    channels.TELEGRAM: "Telegram",
    channels.FACEBOOK: "Messenger",
    channels.SLACK: "Slack",
}


def _topic_title(kb: KnowledgeBase, topic_id: str) -> str:
    topic = kb.topics.get(topic_id)
    return topic.title if topic else topic_id


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def _summary(insights: Insights) -> str:
    q = insights.questions
    figures = [
        ("conversations", f"{insights.conversations:,}"),
        ("messages from parents", f"{insights.messages:,}"),
        ("questions", f"{q:,}"),
        ("answered", _percent(insights.outcomes[ANSWERED], q)),
        ("clarified (“Did you mean…”)", _percent(insights.outcomes[CLARIFIED], q)),
        ("declined (“not something I cover”)", _percent(insights.outcomes[DECLINED], q)),
    ]
    items = "".join(
        f'<div class="figure"><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>'
        for name, value in figures
    )
    return f'<dl class="figures">{items}</dl>'


def _count_and_share(part: int, whole: int) -> str:
    return f"{part:,} ({_percent(part, whole)})" if whole else f"{part:,}"


def _languages(insights: Insights) -> str:
    """One column per language (it fits a phone): conversations, messages, and what became
    of the questions asked in it."""
    figures = [insights.languages[language] for language in LANGUAGES]
    rows = [
        ("conversations", [f"{f.conversations:,}" for f in figures]),
        ("messages from parents", [f"{f.messages:,}" for f in figures]),
        ("questions", [f"{f.questions:,}" for f in figures]),
    ] + [
        (name, [_count_and_share(f.outcomes[outcome], f.questions) for f in figures])
        for name, outcome in (
            ("answered", ANSWERED),
            ("clarified", CLARIFIED),
            ("declined", DECLINED),
        )
    ]
    head = "".join(
        f'<th scope="col" class="num">{escape(LANGUAGE_NAMES[language])}</th>'
        for language in LANGUAGES
    )
    body = "".join(
        f'<tr><th scope="row">{escape(name)}</th>'
        + "".join(f'<td class="num">{escape(value)}</td>' for value in values)
        + "</tr>"
        for name, values in rows
    )
    return (
        f'<table class="languages"><thead><tr><td></td>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def _section(heading: str, anchor: str, body: str, note: str = "") -> str:
    note_html = f'<p class="note">{note}</p>' if note else ""
    return f'<section id="{anchor}"><h2>{escape(heading)}</h2>{note_html}{body}</section>'


def _nothing(what: str) -> str:
    return f'<p class="empty">{escape(what)}</p>'


def _volume(insights: Insights) -> str:
    if not insights.messages:
        return _nothing("No parent wrote in this period.")
    names = ("conversations", "messages")
    days = charts.paired_bar_chart(
        "Conversations and messages per day",
        names,
        [
            (d.strftime("%a %d %b"), v.conversations, v.messages)
            for d, v in insights.per_day.items()
        ],
    )
    channels = charts.paired_bar_chart(
        "Conversations and messages per channel",
        names,
        [
            (CHANNEL_NAMES.get(channel, channel), v.conversations, v.messages)
            for channel, v in sorted(insights.per_channel.items(), key=lambda kv: -kv[1].messages)
        ],
    )
    return f"<h3>Per day</h3>{days}<h3>Per channel</h3>{channels}"


def _outcomes(insights: Insights) -> str:
    if not insights.questions:
        return _nothing("No questions in this period.")
    return charts.share_bar(
        "Questions answered, clarified and declined",
        [(k, insights.outcomes[k]) for k in (ANSWERED, CLARIFIED, DECLINED)],
    )


def _topics(insights: Insights, kb: KnowledgeBase) -> str:
    if not insights.topics:
        return _nothing("No topic was answered in this period.")
    rows = [(_topic_title(kb, t), n) for t, n in insights.topics.most_common(TOP_TOPICS)]
    return charts.bar_chart("Topics answered most", rows)


def _question_list(questions: List[str]) -> str:
    items = "".join(f"<li>{escape(q)}</li>" for q in questions)
    return f'<ul class="questions">{items}</ul>' if items else ""


def _feedback(feedback: Dict[str, Feedback], kb: KnowledgeBase) -> str:
    if not feedback:
        return _nothing("Nobody answered “Was this helpful?” in this period.")
    rows = []
    ordered = sorted(feedback.items(), key=lambda kv: (-kv[1].not_helpful, -kv[1].helpful, kv[0]))
    for topic, entry in ordered:
        asked = _question_list(entry.not_helpful_questions)
        rows.append(
            f'<tr><th scope="row">{escape(_topic_title(kb, topic))}</th>'
            f'<td class="num">{entry.helpful}</td><td class="num">{entry.not_helpful}</td></tr>'
            + (f'<tr class="asked"><td colspan="3">Asked as: {asked}</td></tr>' if asked else "")
        )
    head = (
        '<thead><tr><th scope="col">topic</th><th scope="col" class="num">helpful</th>'
        '<th scope="col" class="num">not helpful</th></tr></thead>'
    )
    return f'<table class="feedback">{head}<tbody>{"".join(rows)}</tbody></table>'


def _states(insights: Insights) -> str:
    rows = [
        (name_of(code), n)
        for code, n in insights.states.most_common()
        if known_state(code) == code  # never a KeyError for a value that is no state
    ]
    if not rows:
        return _nothing("No parent named a state in this period.")
    return charts.bar_chart("Conversations per state named", rows)


def _cluster_item(number: int, group: Cluster) -> str:
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(group.kinds.items()))
    lang = f' lang="{group.language}"' if group.language == SPANISH else ""
    examples = "".join(f"<li>{escape(text)}</li>" for text in group.examples)
    return (
        f'<li class="cluster" value="{number}"><p><strong>Group {number}: asked {group.size} '
        f"time{'s' if group.size != 1 else ''}</strong> ({escape(kinds)})</p>"
        f'<ul class="questions"{lang}>{examples}</ul></li>'
    )


def _clusters(clusters: List[Cluster], tsv_href: str) -> str:
    """The groups of each language under their own heading; numbered across languages as
    in the TSV's ``cluster`` column."""
    if not clusters:
        return _nothing("No question was declined or marked not helpful in this period.")
    parts = []
    for language in LANGUAGES:
        name = LANGUAGE_NAMES[language]
        items = [
            _cluster_item(number, group)
            for number, group in enumerate(clusters, start=1)
            if group.language == language
        ]
        asked = sum(group.size for group in clusters if group.language == language)
        parts.append(
            f'<h3 id="clusters-{language}">Questions in {escape(name)}: {asked:,}</h3>'
            + (
                f'<ol class="clusters">{"".join(items)}</ol>'
                if items
                else _nothing(f"None in {name}.")
            )
        )
    download = (
        f'<p><a class="download" href="{escape(tsv_href)}" download>Download the declined '
        "questions (TSV)</a> to label them and add them to the training data "
        "(docs/content-guide.md; its language column says which: data/nlu/ or data/nlu/es/).</p>"
    )
    return download + "".join(parts)


def _period_form(insights: Insights, action: str) -> str:
    p = insights.period
    return (
        f'<form class="period" method="get" action="{escape(action)}">'
        f'<label>From <input type="date" name="since" value="{p.since}"></label>'
        f'<label>to <input type="date" name="until" value="{p.until}"></label>'
        '<button type="submit">Show</button></form>'
    )


def render(
    insights: Insights,
    clusters: List[Cluster],
    kb: KnowledgeBase,
    tsv_href: str,
    stylesheet_href: Optional[str] = None,
    form_action: Optional[str] = None,
    generated: Optional[dt.datetime] = None,
) -> str:
    """The whole page. ``stylesheet_href`` links the stylesheet (else it is embedded);
    ``form_action`` adds a form to choose another period."""
    generated = generated or dt.datetime.now(dt.timezone.utc)
    style = (
        f'<link rel="stylesheet" href="{escape(stylesheet_href)}">'
        if stylesheet_href
        else f"<style>{STYLESHEET.read_text(encoding='utf-8')}</style>"
    )
    p = insights.period
    sections = [
        _section(
            "By language",
            "languages",
            _languages(insights),
            "Each question counts in the language the conversation was in when it was "
            "asked; each conversation in the language it was in at its last message.",
        ),
        _section("Conversations and messages", "volume", _volume(insights)),
        _section(
            "Answered, clarified, declined",
            "outcomes",
            _outcomes(insights),
            "Of the messages that asked something. Clarified: the assistant asked “Did you "
            "mean…” with two topics. Declined: it said it does not cover that and gave the "
            "help contacts.",
        ),
        _section("Top topics", "topics", _topics(insights, kb)),
        _section(
            "Was this helpful?",
            "feedback",
            _feedback(insights.feedback, kb),
            "Per topic, the parents' answers, and the questions behind each “no”.",
        ),
        _section("States mentioned", "states", _states(insights)),
        _section(
            "Questions to look at",
            "clusters",
            _clusters(clusters, tsv_href),
            "Declined questions and questions whose answer was marked not helpful, grouped "
            "by meaning within each language, largest group first.",
        ),
    ]
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex"><link rel="icon" href="data:,">'
        f"<title>Assistant report {p.since} to {p.until}</title>{style}</head><body><main>"
        f'<h1>What parents asked</h1><p class="period-line">{p.since:%d %b %Y} to '
        f"{p.until:%d %b %Y} (UTC) · generated {generated:%d %b %Y %H:%M} UTC</p>"
        + (_period_form(insights, form_action) if form_action else "")
        + _summary(insights)
        + "".join(sections)
        + "</main></body></html>"
    )
