"""The questions parents ask next (issue 20, item 2): each is its own topic, cited, at most
60 words, practice said as practice, and the facts that keep a parent out of harm in the
answer itself (docs/reference-notes.md has the sources)."""

from __future__ import annotations

import re

import pytest

NEW_TOPICS = (
    "how_soon",
    "what_can_be_mediated",
    "agreement_requests",
    "district_lawyer",
    "private_mediator",
    "services_while_waiting",
    "enforce_without_lawyer",
)


def _cites(kb, topic_id: str, *parts: str) -> None:
    missing = set(parts) - set(kb.topic(topic_id).regulation_refs)
    assert not missing, (topic_id, sorted(missing))


@pytest.mark.parametrize("topic_id", NEW_TOPICS)
def test_each_new_topic_cites_the_regulation_and_is_short(kb, topic_id):
    topic = kb.topic(topic_id)
    assert topic.regulation_refs, topic_id
    assert len(topic.answer.split()) <= 60


def test_how_soon_invents_no_federal_deadline_and_names_the_state_that_sets_one(kb):
    answer = kb.topic("how_soon").answer
    assert answer.startswith("Federal law sets no number of days")
    assert re.search(r"California, for example", answer)
    assert "can't be used to delay a hearing" in answer
    _cites(kb, "how_soon", "300.506(b)(5)", "300.506(b)(1)(ii)", "300.515(a)")
    assert "ca_ed_code_56500_3" in kb.topic("how_soon").source.references


def test_what_can_be_mediated_says_almost_anything_and_names_the_limits(kb):
    answer = kb.topic("what_can_be_mediated").answer
    assert "even before anyone files a complaint" in answer
    assert "Some states don't mediate 504-only" in answer  # practice, named as such
    _cites(kb, "what_can_be_mediated", "300.506(a)", "300.506(b)(6)(ii)")


def test_agreement_requests_are_options_to_negotiate_not_entitlements(kb):
    topic = kb.topic("agreement_requests")
    assert "Parents often ask about" in topic.answer
    assert "None of it is guaranteed" in topic.answer
    assert topic.details.startswith("These are options to discuss, not advice")
    _cites(kb, "agreement_requests", "300.502(b)(1)")


def test_district_lawyer_does_not_claim_a_rule_that_is_only_for_resolution_meetings(kb):
    topic = kb.topic("district_lawyer")
    assert "doesn't stop either side from bringing a lawyer" in topic.answer
    assert "resolution meeting" not in topic.answer and "resolution\n" not in topic.details
    assert "for the resolution meeting, not mediation" in topic.details
    assert "osep_lawson_2010" in topic.source.references
    assert "take the agreement home for review before signing" in topic.answer


def test_private_mediator_says_who_pays_and_never_calls_the_agreement_unenforceable(kb):
    topic = kb.topic("private_mediator")
    assert "the two of you pay the mediator" in topic.answer
    assert "is still a contract" in topic.answer
    assert "unenforceable" not in topic.answer + topic.details
    _cites(kb, "private_mediator", "300.506(b)(4)", "300.506(b)(7)")


def test_services_while_waiting_says_mediation_alone_does_not_keep_the_child_in_place(kb):
    topic = kb.topic("services_while_waiting")
    assert topic.answer.startswith("Asking for mediation doesn't by itself keep your child")
    assert "more than 10 school days in a school year" in topic.answer
    _cites(kb, "services_while_waiting", "300.518(a)", "300.530(b)", "300.532(a)", "300.533")


def test_enforcing_without_a_lawyer_gives_steps_and_does_not_promise_the_state_will(kb):
    topic = kb.topic("enforce_without_lawyer")
    assert topic.answer.startswith("Start in writing")
    assert "whether it enforces agreements" in topic.answer  # optional for States (300.537)
    assert "you may go to court yourself" in topic.answer
    _cites(kb, "enforce_without_lawyer", "300.506(b)(7)", "300.537", "300.153(c)")
