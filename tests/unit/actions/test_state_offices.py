"""Every state's office (issue 20, item 3): the table's shape, that nothing in it is a
bare guess, and that a parent who named a state is told who to contact there."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from actions import rendering
from knowledge_base import KnowledgeBaseError, load
from knowledge_base import contacts as kb_contacts
from knowledge_base.states import NAMES
from tests.conftest import knowledge_base_yaml, write_knowledge_base
from webapp.faq_states import DIRECTORY_STATES, state_directory, state_directory_html


def test_the_table_covers_most_states_with_a_checked_office(kb):
    offices = [r for r in kb.state_offices.values() if r.office]
    assert len(offices) >= 40
    assert set(kb.state_offices) <= set(DIRECTORY_STATES)


def test_every_row_names_the_page_it_was_checked_on_and_when(kb):
    for code, row in kb.state_offices.items():
        for entry in filter(None, (row.office, row.parent_center)):
            assert entry.checked_at.startswith(("https://", "http://")), code
            assert entry.checked_on.year >= 2026, code
            assert entry.evidence.strip(), code
        if row.office:
            # The office's address is its page on the agency's own site, where it was seen.
            assert urlsplit(row.office.url).hostname == urlsplit(row.office.checked_at).hostname


def _with(tmp_path: Path, edit) -> Path:
    raw = knowledge_base_yaml()
    edit(raw)
    return write_knowledge_base(tmp_path / "kb.yml", raw)


@pytest.mark.parametrize(
    "edit, problem",
    [
        (lambda r: r["state_offices"][0]["office"].pop("checked_at"), "checked_at"),
        (
            lambda r: r["state_offices"][0]["office"].update(
                checked_at="https://example.org/a-page-listing-it"
            ),
            "agency's own site",
        ),
        (lambda r: r["state_offices"][0].update(state="XX"), "unknown postal code"),
        (lambda r: r["state_offices"].append(dict(r["state_offices"][0])), "listed twice"),
        (lambda r: r["state_offices"][0].update(office=None, parent_center=None), "checked"),
        (lambda r: r["state_offices"][0]["office"].update(phone="call us"), "phone"),
    ],
)
def test_a_row_without_its_checked_source_is_refused(tmp_path, edit, problem):
    with pytest.raises(KnowledgeBaseError, match=problem):
        load(_with(tmp_path, edit))


def test_a_known_state_names_its_office_page_phone_and_center(kb):
    row = kb.state_offices["PA"]
    text = rendering.state_note(kb, kb.topic("request_mediation"), "PA")["text"]
    assert text.startswith(f"In Pennsylvania, contact the {row.office.name}: {row.office.url}")
    assert row.office.phone in text and row.parent_center.name in text
    assert "serves western and central Pennsylvania" in text  # one of two centers


def test_a_state_without_a_checked_row_gets_the_national_directories_not_a_guess(kb):
    missing = next(c for c in DIRECTORY_STATES if c not in kb.state_offices)
    text = rendering.state_note(kb, kb.topic("request_mediation"), missing)["text"]
    assert kb.state_directories.office.url in text
    assert kb.state_directories.parent_center.url in text


def test_other_topics_name_the_office_that_can_confirm_a_rule(kb):
    text = rendering.state_note(kb, kb.topic("cost"), "MN")["text"]
    assert text == (
        f"Rules can differ by state: the {kb.state_offices['MN'].office.name} can confirm "
        "how this works there."
    )


def test_the_faq_directory_has_an_anchor_for_every_state(kb):
    page = state_directory_html(kb)
    for code in DIRECTORY_STATES:
        assert f'id="{code}"' in page
    assert page.count('<section class="faq-state"') == 52
    entries = {e["state"]: e for e in state_directory(kb)}
    assert entries["TX"]["office"]["url"] == kb.state_offices["TX"].office.url
    missing = next(c for c in DIRECTORY_STATES if c not in kb.state_offices)
    assert entries[missing]["office"] is None and entries[missing]["parent_center"] is None
    assert set(DIRECTORY_STATES) <= set(NAMES)


def test_help_contacts_put_the_organisation_first_then_the_states_own(kb, tmp_path):
    org = {"name": "Example Parent Network", "phone": "555-010-0000", "hours": "Mon-Fri 9-5"}
    with_org = load(_with(tmp_path, lambda raw: raw.update(organisation=org)))
    contacts = kb_contacts.contacts(with_org, "PA")
    assert contacts[0] == ("Example Parent Network", "555-010-0000 (Mon-Fri 9-5)")
    assert contacts[1][0] == "Pennsylvania's dispute resolution office"
    assert kb.state_offices["PA"].office.phone in contacts[1][1]
    assert contacts[2][0] == "Pennsylvania's Parent Training and Information Center"
    assert [c[0] for c in kb_contacts.contacts(kb, None)] == [c.name for c in kb.help_contacts]
