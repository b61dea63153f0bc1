"""Issue 11's "done when" for the insights report: a real tracker database, filled by a
scripted set of conversations through the real servers (REST and socket.io), then the
report read from it: its counts, its clusters of similar questions, the TSV, and the
/insights/ page on the site (token, cookie, read-only, no caching)."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import subprocess
import sys
import urllib.parse
from html import escape
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import sqlalchemy as sa

from harness import servers as harness_servers
from harness.servers import MODEL, REPO, Servers, Site
from harness.socketio_client import socketio_steps
from insights import store
from insights.period import Period
from insights.report import Report, build_from_config
from insights.turns import ANSWERED, CLARIFIED, DECLINED

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")

TOKEN = "insights-test-token-3f9a"
# Declined questions in three groups of paraphrases (none in the training data).
GROUPS = {
    "bus": [
        "the school bus never comes on time, who do I call about it",
        "my son's bus is always late, where do I complain",
        "who do I contact when the school bus is late every morning",
    ],
    "lunch": [
        "can the cafeteria make gluten free lunches for my daughter",
        "does the school have to give my son an allergy safe lunch",
        "will the lunchroom give my kid food without peanuts",
    ],
    "camp": [
        "how do I sign my kid up for summer camp",
        "are there summer camps for kids with autism",
        "what summer camps take children with special needs",
    ],
}
UNCLEAR = "the deal with meetings"  # "Did you mean…" (as in test_fallback_e2e)
# Issue 21: questions a Spanish-speaking parent asks; the first is answered (cost), the
# second gets "Did you mean…", the third, a second miss, is declined.
SPANISH_ANSWERED = "cuanto cuesta la mediacion con el distrito escolar?"
SPANISH_UNCLEAR = "que pasa con el acuerdo de la mediacion"  # "Did you mean…"
SPANISH_DECLINED = ["a quien le reclamo porque el camion de la escuela llega tarde todos los dias"]


def feedback(helpful: str, topic: str) -> str:
    return "/feedback" + json.dumps({"helpful": helpful, "topic": topic})


# sender -> messages, as the parents typed them (feedback as the widget sends it).
REST_CONVERSATIONS: Dict[str, List[str]] = {
    "rest-a": [
        "is mediation free?",
        feedback("no", "cost"),
        "do I need a lawyer for mediation?",
        feedback("yes", "attorneys"),
    ],
    "rest-b": ["we're in Ohio", "is mediation free?", feedback("yes", "cost")],
    "rest-c": [GROUPS["bus"][0], GROUPS["lunch"][0], GROUPS["camp"][0]],
    "rest-d": [GROUPS["bus"][1], GROUPS["lunch"][1]],
    "rest-e": [UNCLEAR],
    "rest-es": [SPANISH_ANSWERED, SPANISH_UNCLEAR, *SPANISH_DECLINED],
}
SPANISH_SENDERS = {"rest-es"}
SOCKETIO_CONVERSATIONS: Dict[str, List[str]] = {
    "a" * 32: ["can we meet online?", GROUPS["bus"][2], GROUPS["camp"][1]],
    "b" * 32: [
        "PA mom here, do I need a lawyer for mediation?",
        GROUPS["lunch"][2],
        GROUPS["camp"][2],
        feedback("no", "attorneys"),
    ],
}


def run_script(servers: Servers) -> None:
    """Every scripted conversation, through the real channels."""
    for sender, messages in REST_CONVERSATIONS.items():
        for text in messages:
            assert servers.ask(sender, text), text
    origin = f"http://localhost:{servers.site_port}"
    for session, messages in SOCKETIO_CONVERSATIONS.items():
        steps: List[Tuple[str, object]] = [("session_request", {"session_id": session})]
        steps += [("user_uttered", {"message": m, "session_id": session}) for m in messages]
        replies = socketio_steps(servers.rasa_port, origin, steps)
        assert all(replies[1:]), replies


def today_period() -> Period:
    today = dt.datetime.now(dt.timezone.utc).date()
    return Period(today - dt.timedelta(days=1), today + dt.timedelta(days=1))


@pytest.fixture(scope="module")
def filled(insights_filled):
    """Servers whose store holds exactly ``run_script``'s conversations (tests/stacks.py:
    the same stack the insights page's browser tests read)."""
    return insights_filled


@pytest.fixture(scope="module")
def report(filled) -> Report:
    return build_from_config(today_period(), filled.endpoints)


def test_counts_conversations_and_messages_per_channel(report):
    figures = report.insights
    rest_messages = sum(len(m) for m in REST_CONVERSATIONS.values())
    socketio_messages = sum(len(m) for m in SOCKETIO_CONVERSATIONS.values())
    assert figures.conversations == len(REST_CONVERSATIONS) + len(SOCKETIO_CONVERSATIONS)
    assert figures.messages == rest_messages + socketio_messages
    assert {c: (v.conversations, v.messages) for c, v in figures.per_channel.items()} == {
        "rest": (len(REST_CONVERSATIONS), rest_messages),
        "socketio": (len(SOCKETIO_CONVERSATIONS), socketio_messages),
    }
    spanish_messages = sum(len(REST_CONVERSATIONS[s]) for s in SPANISH_SENDERS)
    assert {k: (v.conversations, v.messages) for k, v in figures.languages.items()} == {
        "en": (figures.conversations - len(SPANISH_SENDERS), figures.messages - spanish_messages),
        "es": (len(SPANISH_SENDERS), spanish_messages),
    }
    [(day, volume)] = figures.per_day.items()
    assert day == dt.datetime.now(dt.timezone.utc).date()
    assert (volume.conversations, volume.messages) == (figures.conversations, figures.messages)


def test_outcomes_topics_feedback_and_states(report):
    figures = report.insights
    english = figures.languages["en"]
    assert english.outcomes[ANSWERED] == 5
    assert english.outcomes[DECLINED] == 9
    assert english.outcomes[CLARIFIED] == 1
    assert english.questions == 15
    assert english.share(DECLINED) == pytest.approx(9 / 15)
    spanish = figures.languages["es"]
    assert [spanish.outcomes[k] for k in (ANSWERED, CLARIFIED, DECLINED)] == [1, 1, 1]
    assert figures.questions == 15 + 3 and figures.outcomes[DECLINED] == 9 + 1
    assert figures.topics == {"cost": 3, "attorneys": 2, "remote_mediation": 1}
    cost, attorneys = figures.feedback["cost"], figures.feedback["attorneys"]
    assert (cost.helpful, cost.not_helpful) == (1, 1)
    assert cost.not_helpful_questions == ["is mediation free?"]
    assert (attorneys.helpful, attorneys.not_helpful) == (1, 1)
    assert attorneys.not_helpful_questions == ["PA mom here, do I need a lawyer for mediation?"]
    assert attorneys.helpful_questions == ["do I need a lawyer for mediation?"]
    assert set(figures.feedback) == {"cost", "attorneys"}
    assert figures.states == {"OH": 1, "PA": 1}


def test_clusters_group_the_paraphrases(report):
    cluster_of = {
        text: number
        for number, c in enumerate(report.clusters)
        for q in c.questions
        for text in [q.text]
    }
    for name, texts in GROUPS.items():
        numbers = {cluster_of[t] for t in texts}
        assert len(numbers) == 1, (name, numbers)
        [number] = numbers
        members = {q.text for q in report.clusters[number].questions}
        assert members == set(texts), (name, members)
    # Largest first: the three groups of three, then the two "not helpful" questions.
    assert [c.size for c in report.clusters[:3]] == [3, 3, 3]
    assert all(c.size <= 3 for c in report.clusters)
    not_helpful = {q.text for c in report.clusters for q in c.questions if q.kind == "not helpful"}
    assert not_helpful == {"is mediation free?", "PA mom here, do I need a lawyer for mediation?"}
    # Spanish questions only in Spanish groups, after every English one.
    spanish = [c for c in report.clusters if c.language == "es"]
    assert {q.text for c in spanish for q in c.questions} == set(SPANISH_DECLINED)
    assert report.clusters[-len(spanish) :] == spanish
    assert all(q.language == "es" for c in spanish for q in c.questions)


def test_make_report_writes_the_html_and_the_tsv(filled, tmp_path, kb):
    period = today_period()
    out = tmp_path / "report"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.report",
            "--since",
            str(period.since),
            "--until",
            str(period.until),
            "--out",
            str(out),
            "--endpoints",
            str(filled.endpoints),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    messages = sum(map(len, [*REST_CONVERSATIONS.values(), *SOCKETIO_CONVERSATIONS.values()]))
    assert f"8 conversations, {messages} messages, 18 questions" in done.stdout
    assert f"English: 7 conversations, {messages - 3} messages, 15 questions" in done.stdout
    spanish = "Spanish (español): 1 conversations, 3 messages, 3 questions (1 answered, 1 declined)"
    assert spanish in done.stdout
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html and "style=" not in html
    assert html.count("<svg") >= 5
    for topic in ("cost", "attorneys", "remote_mediation"):  # top topics, by their titles
        assert escape(kb.topics[topic].title) in html
    rows = [line.split("\t") for line in (out / "declined.tsv").read_text().splitlines()]
    comments = [r for r in rows if r[0].startswith("#")]
    header, *data = [r for r in rows if not r[0].startswith("#")]
    assert comments and "make train" in " ".join(c[0] for c in comments)
    assert header == ["text", "suggested_intent", "count", "first_seen", "cluster", "language"]
    english = sorted(t for texts in GROUPS.values() for t in texts)
    assert sorted(r[0] for r in data if r[5] == "en") == english
    assert sorted(r[0] for r in data if r[5] == "es") == sorted(SPANISH_DECLINED)
    assert "Spanish (español)" in html and SPANISH_DECLINED[0] in html
    assert {r[3] for r in data} == {str(dt.datetime.now(dt.timezone.utc).date())}
    for texts in GROUPS.values():
        assert len({r[4] for r in data if r[0] in texts}) == 1


def test_the_report_cannot_write_to_the_tracker_store(filled):
    engine = store.open_read_only(store.tracker_store_config(filled.endpoints))
    with pytest.raises(sa.exc.OperationalError, match="readonly"):
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events"))
    engine.dispose()


# --- the page on the site -----------------------------------------------------------------


def _site(
    workdir: Path,
    servers: Servers,
    monkeypatch: pytest.MonkeyPatch,
    token: str,
    endpoints: Path | None = None,
) -> Site:
    monkeypatch.setitem(harness_servers.ENV, "INSIGHTS_TOKEN", token)
    monkeypatch.setitem(harness_servers.ENV, "ENDPOINTS", str(endpoints or servers.endpoints))
    return Site(workdir, servers.rasa_port)


@pytest.fixture(scope="module")
def site(filled, tmp_path_factory):
    with pytest.MonkeyPatch.context() as monkeypatch:
        served = _site(tmp_path_factory.mktemp("site"), filled, monkeypatch, TOKEN)
    yield served
    served.stop()


def _open(site: Site, path: str, data: bytes | None = None, cookie: str = ""):
    """(status, headers, body) of one request, redirects not followed."""
    connection = http.client.HTTPConnection("localhost", site.port, timeout=60)
    headers = {"Cookie": cookie} if cookie else {}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request("POST" if data is not None else "GET", path, body=data, headers=headers)
    response = connection.getresponse()
    try:
        return response.status, response.headers, response.read().decode()
    finally:
        connection.close()


def sign_in(site: Site, token: str) -> Tuple[int, Any]:
    status, headers, _ = _open(
        site, "/insights/", urllib.parse.urlencode({"token": token}).encode()
    )
    return status, headers


def test_without_a_token_configured_the_page_does_not_exist(filled, tmp_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        bare = _site(tmp_path, filled, monkeypatch, "")
    try:
        for path in ("/insights/", "/insights/declined.tsv", "/insights/report.css"):
            assert _open(bare, path)[0] == 404
        assert _open(bare, "/insights/", b"token=")[0] == 404
    finally:
        bare.stop()


def test_a_wrong_token_is_refused_with_a_clear_message(site):
    status, headers, body = _open(site, "/insights/", b"token=guess")
    assert status == 403
    assert "token is not right" in body
    assert "Set-Cookie" not in headers
    assert headers["Cache-Control"] == "no-store"
    assert _open(site, "/insights/declined.tsv")[0] == 403
    forged = "insights_session=1.0000"
    assert _open(site, "/insights/declined.tsv", cookie=forged)[0] == 403


def test_guessing_the_token_is_stopped_after_five_wrong_tries(filled, tmp_path):
    with pytest.MonkeyPatch.context() as monkeypatch:
        served = _site(tmp_path, filled, monkeypatch, TOKEN)
    try:
        assert [sign_in(served, f"guess{i}")[0] for i in range(5)] == [403] * 5
        status, headers, body = _open(served, "/insights/", b"token=" + TOKEN.encode())
        assert status == 429 and "Too many wrong tokens" in body
        assert 0 < int(headers["Retry-After"]) <= 15 * 60
        assert "Set-Cookie" not in headers
    finally:
        served.stop()


def test_the_right_token_sets_an_hmac_cookie_and_shows_the_report(site, filled):
    db = Path(str(store.sqlite_path(store.tracker_store_config(filled.endpoints))))
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    status, headers = sign_in(site, TOKEN)
    assert status == 303
    cookie = headers["Set-Cookie"]
    assert TOKEN not in cookie
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/insights"):
        assert attribute in cookie
    pair = cookie.split(";")[0]
    period = today_period()
    query = f"?since={period.since}&until={period.until}"
    status, headers, body = _open(site, "/insights/" + query, cookie=pair)
    assert status == 200
    assert headers["Cache-Control"] == "no-store"
    assert "style-src 'self'" in headers["Content-Security-Policy"]
    assert "What parents asked" in body and "<script" not in body and "style=" not in body
    assert '<link rel="stylesheet" href="/insights/report.css">' in body
    assert "Group 1: asked 3 times" in body
    languages = body[body.index('<table class="languages">') : body.index("</table>")]
    assert '<th scope="col" class="num">Spanish (español)</th>' in languages
    spanish = body[body.index('id="clusters-es"') :]
    assert "Questions in Spanish (español): 1" in spanish and SPANISH_DECLINED[0] in spanish
    status, headers, tsv = _open(site, f"/insights/declined.tsv{query}", cookie=pair)
    assert status == 200
    assert headers["Content-Type"].startswith("text/tab-separated-values")
    assert "attachment" in headers["Content-Disposition"]
    assert GROUPS["camp"][2] in tsv
    assert f"/insights/declined.tsv?since={period.since}&amp;until={period.until}" in body
    # Read-only: the database file is byte for byte the same.
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_a_bad_period_is_a_clear_400(site):
    pair = sign_in(site, TOKEN)[1]["Set-Cookie"].split(";")[0]
    status, _, body = _open(site, "/insights/?since=2026-13-01", cookie=pair)
    assert status == 400 and "YYYY-MM-DD" in body


def test_a_store_that_cannot_be_read_is_a_clear_503(filled, tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        filled.endpoints.read_text().replace(
            str(filled.workdir / "tracker.db"), str(tmp_path / "none.db")
        )
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        served = _site(tmp_path, filled, monkeypatch, TOKEN, endpoints)
    try:
        pair = sign_in(served, TOKEN)[1]["Set-Cookie"].split(";")[0]
        status, headers, body = _open(served, "/insights/", cookie=pair)
        assert status == 503 and "could not be read" in body
        assert headers["Cache-Control"] == "no-store"
        assert _open(served, "/insights/declined.tsv", cookie=pair)[0] == 503
        assert not (tmp_path / "none.db").exists()  # read-only: nothing created
    finally:
        served.stop()
