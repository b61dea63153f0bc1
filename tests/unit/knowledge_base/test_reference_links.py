"""Every named source links to the text it is cited for, not to a site's home page (issue 20)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from knowledge_base import KnowledgeBase

# References whose home page is kept on purpose. Each is cited for facts spread over several
# of its own pages and the knowledge base has one URL per reference, so the site itself is
# what is cited. Everything else must link to a page below the site's root.
HOME_PAGE_ALLOWED = {
    # Wisconsin Special Education Mediation System: the topics cite its FAQ (who may attend,
    # signing), its mediator roster page (mediators off the roster are paid by the parties),
    # its facilitation-versus-mediation page and its note that it does not mediate 504 plans.
    "wsems": "cited across several WSEMS pages; the home page links them all",
    # CADRE: the reference is its dispute resolution continuum, parent resources and national
    # data together (facilitated IEP meetings, Buckhannon and fees, national mediation data).
    "cadre": "cited for its continuum, parent resources and national data, on separate pages",
    # Wrightslaw: cited for several articles (do we need an attorney at mediation, putting a
    # mediated agreement into the IEP, signing), not one page.
    "wrightslaw": "cited for several Wrightslaw articles, not one page",
}

# Where a regulation section's own text lives.
REGULATION_HOSTS = ("www.ecfr.gov", "ecfr.gov", "sites.ed.gov")


def _has_path(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.path.strip("/") != "" or bool(parsed.query)


def test_allow_list_names_real_references(kb: KnowledgeBase) -> None:
    unknown = sorted(set(HOME_PAGE_ALLOWED) - set(kb.references))
    assert not unknown, f"allow-list names references that no longer exist: {unknown}"
    for ref_id, reason in HOME_PAGE_ALLOWED.items():
        assert reason.strip(), f"{ref_id}: the allow-list entry needs a reason"


@pytest.mark.parametrize("ref_id", sorted(HOME_PAGE_ALLOWED))
def test_allowed_home_pages_are_still_home_pages(kb: KnowledgeBase, ref_id: str) -> None:
    """Once a reference links to a page, drop it from the allow-list."""
    assert not _has_path(
        kb.references[ref_id].url
    ), f"{ref_id} now links to a page; remove it from HOME_PAGE_ALLOWED"


def test_named_references_link_to_the_cited_page(kb: KnowledgeBase) -> None:
    bare = [
        f"{ref.id}: {ref.url}"
        for ref in kb.references.values()
        if ref.id not in HOME_PAGE_ALLOWED and not _has_path(ref.url)
    ]
    assert not bare, "references that link to a home page, not the cited text:\n" + "\n".join(bare)


def test_reference_urls_are_https(kb: KnowledgeBase) -> None:
    for ref in kb.references.values():
        assert urlparse(ref.url).scheme == "https", f"{ref.id}: {ref.url}"
        assert urlparse(ref.url).netloc, f"{ref.id}: {ref.url}"


def test_regulation_sections_link_to_the_section(kb: KnowledgeBase) -> None:
    wrong = []
    for number, section in kb.regulations.items():
        parsed = urlparse(section.url)
        on_reg_host = parsed.scheme == "https" and parsed.netloc in REGULATION_HOSTS
        if parsed.netloc == "sites.ed.gov":
            on_reg_host = on_reg_host and parsed.path.startswith("/idea/regs/")
        if not (on_reg_host and number in parsed.path):
            wrong.append(f"{number}: {section.url}")
    assert not wrong, "regulation sections that do not link to their own text:\n" + "\n".join(wrong)


def test_ecfr_links_name_the_section_exactly(kb: KnowledgeBase) -> None:
    for number, section in kb.regulations.items():
        parsed = urlparse(section.url)
        if parsed.netloc.endswith("ecfr.gov"):
            title = "34"
            assert (
                parsed.path.rstrip("/") == f"/current/title-{title}/section-{number}"
            ), f"{number}: {section.url}"
        elif parsed.netloc == "sites.ed.gov":
            assert parsed.path.rstrip("/").endswith(f"/{number}"), f"{number}: {section.url}"


def test_article_links_to_the_article(kb: KnowledgeBase) -> None:
    assert _has_path(kb.article.url), kb.article.url
