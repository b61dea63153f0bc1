"""The insights page in Chromium, with the site's real CSP: the owner signs in with the
token through the form, reads the report on a phone and a desktop, downloads the TSV.
Saves docs/screenshots/report-phone.png and report-desktop.png for the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import servers as harness_servers
from harness.servers import Site
from tests.e2e.test_insights_e2e import GROUPS, SPANISH_DECLINED

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "docs" / "screenshots"
TOKEN = "browser-insights-token-7c1e"


@pytest.fixture(scope="module")
def report_site(insights_filled, tmp_path_factory):
    """The site with the insights page on, reading the store that ``run_script`` filled
    (tests/stacks.py, the same stack as tests/e2e/test_insights_e2e.py)."""
    servers = insights_filled
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(harness_servers.ENV, "INSIGHTS_TOKEN", TOKEN)
        monkeypatch.setitem(harness_servers.ENV, "ENDPOINTS", str(servers.endpoints))
        site = Site(tmp_path_factory.mktemp("insights-browser"), servers.rasa_port)
    yield site
    site.stop()


def signed_in_page(browser, site, width, height, errors):
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site.url("/insights/"))
    page.fill("#token", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:text('What parents asked')")
    return context, page


def test_a_wrong_token_shows_why_and_no_report(report_site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(report_site.url("/insights/"))
        page.fill("#token", "not-the-token")
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.click("button[type=submit]")
        assert answer.value.status == 403
        assert "token is not right" in page.inner_text("[role=alert]")
        assert page.query_selector("svg.chart") is None
        assert context.cookies() == []
    finally:
        context.close()


@pytest.mark.parametrize(
    "width, height, name", [(360, 740, "report-phone"), (1280, 800, "report-desktop")]
)
def test_the_report_reads_on_a_phone_and_a_desktop(report_site, browser, width, height, name):
    errors: list = []
    context, page = signed_in_page(browser, report_site, width, height, errors)
    try:
        [cookie] = context.cookies()
        assert (
            cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/insights"
        )
        assert TOKEN not in cookie["value"]
        assert page.locator("svg.chart").count() >= 5
        # The stylesheet applied (the CSP allows only the site's own): charts fit the width.
        widths = page.evaluate(
            "({page: document.documentElement.scrollWidth, view: innerWidth,"
            " chart: document.querySelector('svg.chart').getBoundingClientRect().width})"
        )
        assert widths["page"] <= widths["view"], widths
        assert 200 <= widths["chart"] <= 400, widths
        # Issue 21: a column per language, inside the width; the Spanish questions apart.
        table = page.locator("table.languages")
        assert table.locator("thead th").all_inner_texts() == ["English", "Spanish (español)"]
        box = table.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        spanish = page.locator("#clusters-es + ol.clusters")
        assert spanish.get_attribute("class") == "clusters"
        assert SPANISH_DECLINED[0] in spanish.inner_text()
        assert spanish.locator("ul.questions[lang=es]").count() == 1
        assert errors == []  # a CSP violation is a console error
        page.evaluate(AXE.read_text(encoding="utf-8"))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert [(v["id"], v["impact"]) for v in result["violations"]] == []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()


def test_the_tsv_downloads_from_the_page(report_site, browser, tmp_path):
    errors: list = []
    context, page = signed_in_page(browser, report_site, 1280, 800, errors)
    try:
        with page.expect_download() as download:
            page.click("a.download")
        saved = tmp_path / "declined.tsv"
        download.value.save_as(saved)
        text = saved.read_text(encoding="utf-8")
        assert download.value.suggested_filename.startswith("declined-")
        assert all(t in text for texts in GROUPS.values() for t in texts)
        assert text.splitlines()[0].startswith("# ")
        rows = {line.split("\t")[0]: line.split("\t") for line in text.splitlines()}
        assert rows["text"][-1] == "language"
        assert rows[SPANISH_DECLINED[0]][-1] == "es" and rows[GROUPS["bus"][0]][-1] == "en"
    finally:
        context.close()
