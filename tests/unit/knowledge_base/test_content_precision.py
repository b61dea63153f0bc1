"""Precise content (issue 20, item 1): each answer says what a worried parent needs, and every
fact it adds rests on the regulation part or named source the topic cites (34 CFR unless
named otherwise). Practice is said as practice ("usually") or with its source, never as law.
"""

from __future__ import annotations

import re

import pytest
import yaml

from knowledge_base import citations
from tests.conftest import REPO


def _text(kb, topic_id: str) -> str:
    topic = kb.topic(topic_id)
    return f"{topic.answer} {topic.details}"


def _response(name: str) -> str:
    """A fixed reply's text, as domain.yml has it."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"]


def _cites(kb, topic_id: str, *parts: str) -> None:
    cited = set(kb.topic(topic_id).regulation_refs)
    missing = set(parts) - cited
    assert not missing, (topic_id, sorted(missing))


# --- the two answers that could lead a parent into harm ----------------------------------


def test_attorneys_says_no_law_requires_one_but_to_have_the_agreement_reviewed(kb):
    topic = kb.topic("attorneys")
    answer = topic.answer
    assert re.match(r"No law requires a lawyer", answer)
    assert re.search(r"binds you", answer) and re.search(r"give up", answer)
    assert re.search(r"reviewed before you sign", answer)
    # Who pays: each side its own; fees for a parent who wins, rarely for mediation. Not
    # "only" a parent: 300.517(a)(1)(ii)-(iii) lets a court award a district its fees
    # against a parent's lawyer (a frivolous complaint) or a parent (one filed to harass).
    assert re.search(r"[Ee]ach side usually pays its own lawyer", answer)
    assert re.search(r"award attorney fees to a\s+parent who wins", topic.details)
    assert re.search(r"frivolous or filed to harass", topic.details)
    assert not re.search(r"only to a\s+parent", topic.details)
    assert re.search(r"rarely\s+recovered", topic.details)
    _cites(kb, "attorneys", "300.507(b)", "300.517(a)", "300.517(c)(2)(iii)")
    # "may give up rights" is the advocate's warning about waivers in district drafts.
    assert "undivided" in topic.source.references


def test_timelines_answers_its_question_mediation_does_not_pause_the_filing_limits(kb):
    topic = kb.topic("timelines")
    answer = topic.answer
    assert re.match(r"Mediation doesn't pause", answer)
    assert "two years" in answer and "one year for a State complaint" in answer
    assert "keep running" in answer
    # "How long do I have to file?" reaches this topic too: the limits are in its first
    # sentence, not after a "no".
    assert "two years" in answer.split(". ")[0]
    # The State's 60-day decision deadline may be extended when both agree to mediate (not
    # "only": agreeing to keep mediating after day 30 also moves the hearing's clock).
    assert re.search(r"A State complaint's 60-day decision deadline can be extended", answer)
    assert "Only a State complaint" not in answer
    _cites(kb, "timelines", "300.507(a)(2)", "300.511(e)", "300.153(c)", "300.152(b)(1)(ii)")
    # The exceptions to the two-year limit, and mediation is not one of them.
    assert "mediating isn't one of those exceptions" in topic.details
    _cites(kb, "timelines", "300.511(f)")
    # The 30-day resolution period follows a parent's complaint; discipline appeals differ.
    assert "When you file a due process complaint, the district has a 30-day" in topic.details
    assert re.search(r"discipline use an expedited hearing", topic.details)
    _cites(kb, "timelines", "300.510(a)", "300.510(b)", "300.510(c)", "300.532(c)")


# --- imprecise lines ---------------------------------------------------------------------


def test_state_complaint_gives_the_one_year_limit_and_that_anyone_may_file(kb):
    answer = kb.topic("state_complaint").answer
    assert "past year" in answer and "anyone may file" in answer
    assert "Any person or organization may file" in kb.topic("state_complaint").details
    _cites(kb, "state_complaint", "300.153(a)", "300.153(c)", "300.152(a)")


def test_agreement_binding_names_state_enforcement_and_the_state_complaint_route(kb):
    topic = kb.topic("agreement_binding")
    assert re.search(r"your State may offer other ways", topic.answer)
    assert re.search(r"also in the IEP.*State complaint", topic.answer)
    assert re.search(r"optional and\s+can't hold up your right to go to court", topic.details)
    _cites(kb, "agreement_binding", "300.506(b)(7)", "300.537", "300.153")
    # The article's error stays corrected: the court enforces, it doesn't make it binding.
    assert "isn't what makes it binding" in topic.details


def test_resolution_meeting_says_who_attends_and_what_not_taking_part_costs(kb):
    topic = kb.topic("resolution_meeting")
    assert re.search(r"If you don't take part, the timelines\s+wait", topic.answer)
    assert "dismissed" in topic.answer
    assert "You and the district decide together which IEP team members come" in topic.details
    assert re.search(r"documented reasonable efforts", topic.details)
    _cites(kb, "resolution_meeting", "300.510(a)(4)", "300.510(b)(3)", "300.510(b)(4)")


def test_stay_put_answer_names_the_hearing_decision_and_the_discipline_exception(kb):
    topic = kb.topic("stay_put")
    assert re.match(r"Asking for mediation alone doesn.t freeze the placement", topic.answer)
    assert re.search(r"a hearing decision sides with you", topic.answer)
    assert re.search(r"Discipline removals follow a separate rule", topic.answer)
    assert re.search(r"interim setting", topic.details)
    _cites(kb, "stay_put", "300.518(a)", "300.518(d)", "300.533")
    assert "300.518(a), (d)" in topic.federal_note.citation


def test_outcome_no_agreement_gives_both_routes_with_their_limits(kb):
    topic = kb.topic("outcome_no_agreement")
    two_years = r"due process complaint \(within two years of\s+when you knew or should have known"
    assert re.search(two_years, topic.answer)
    past_year = r"State complaint has the State\s+investigate a violation in the past year"
    assert re.search(past_year, topic.answer)
    assert re.search(r"keep running while you mediate", topic.details)
    _cites(kb, "outcome_no_agreement", "300.507(a)(2)", "300.511(e)", "300.153(c)")


def test_benefit_most_resolved_says_what_the_data_show_and_nothing_more(kb):
    topic = kb.topic("benefit_most_resolved")
    text = _text(kb, "benefit_most_resolved")
    assert not re.search(r"most disagreements get worked out at an IEP meeting", text, re.I)
    assert re.search(r"data collected by CADRE show", topic.answer)
    assert "withdrawn, dismissed, or settled" in topic.answer
    assert "two out of three mediations" in topic.answer
    assert "don't count disagreements settled at IEP meetings" in topic.details
    assert "cadre" in topic.source.references


def test_section_504_names_the_coordinator_the_hearing_and_the_ocr_deadline(kb):
    topic = kb.topic("section_504")
    assert "504 coordinator" in topic.answer
    assert "impartial 504 hearing" in topic.answer
    assert re.search(r"Office\s+for Civil Rights, usually within 180 days", topic.answer)
    _cites(kb, "section_504", "104.7(a)", "104.36", "100.7(b)")
    # Section 504's rules are 34 CFR too: the source line names them with the rest.
    assert "34 CFR 104.7(a); 104.36; 100.7(b)" in citations.source_line(kb, topic)


def test_discipline_names_the_expedited_hearing_and_that_mediation_does_not_pause_it(kb):
    topic = kb.topic("discipline")
    assert re.search(r"asking for mediation doesn't\s+pause a suspension or removal", topic.answer)
    assert "expedited due process hearing" in topic.answer
    assert "20 school days" in topic.answer and "10 school days" in topic.answer
    assert "https://www.parentcenterhub.org/find-your-center/" in topic.answer
    _cites(kb, "discipline", "300.532(c)", "300.533")


def test_early_intervention_names_the_provider_and_the_mediators_independence(kb):
    topic = kb.topic("early_intervention")
    assert "early intervention provider" in topic.answer
    assert "can't work for the lead agency or for a provider serving your child" in topic.answer
    _cites(kb, "early_intervention", "303.431", "303.431(c)")


def test_california_note_gives_the_statutes_timelines_and_cites_it(kb):
    note = kb.state_note("CA", "timelines")
    assert note is not None and note is kb.state_note("CA", "attorneys")
    assert "scheduled within 15 days and completed within 30" in note.note
    assert "ca_ed_code_56500_3" in note.references
    reference = kb.references["ca_ed_code_56500_3"]
    assert "56500.3" in reference.title and reference.url.endswith("sectionNum=56500.3")
    assert "leginfo.legislature.ca.gov" in reference.url


# --- practice as law ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "topic_id, practice",
    [
        ("parent_rights", r"you can\s+usually bring someone for support"),
        ("confidentiality_limits", r"can usually still be used"),
        ("mediator_neutral", r"Mediators usually don't give legal advice"),
        ("caucus", r"Mediators usually don't give legal advice"),
    ],
)
def test_practice_is_said_as_practice(kb, topic_id, practice):
    assert re.search(practice, kb.topic(topic_id).answer), topic_id
    bare = r"(you can bring support|can still be used|(They|mediator) (also )?doesn?'t give legal)"
    assert not re.search(bare, kb.topic(topic_id).answer), topic_id


def test_cost_names_its_source_for_a_mediator_outside_the_states_list(kb):
    topic = kb.topic("cost")
    assert topic.answer.startswith("Mediation is free for you")
    assert re.search(r"private mediator may cost you: in Wisconsin \(WSEMS\)", topic.details)
    assert "wsems" in topic.source.references
    _cites(kb, "cost", "300.506(b)(4)")


def test_three_business_days_is_said_exactly_and_cites_the_resolution_rule(kb):
    signing = kb.topic("agreement_signing")
    assert "no 3-business-day window to cancel" in signing.answer
    assert not re.search(r"\b3-day\b", signing.answer)
    # Its article part is the one on a signed settlement binding both sides.
    assert "closing-1" in signing.article_refs and "outcomes-3" not in signing.article_refs
    for topic in kb.topics.values():
        if re.search(r"3[ -]business[ -]day", f"{topic.answer} {topic.details}"):
            assert "300.510(e)" in topic.regulation_refs, topic.id


def test_advocacy_services_gives_a_link_instead_of_the_articles_site(kb):
    topic = kb.topic("advocacy_services")
    assert "article's site" not in topic.answer + topic.details
    assert "Parent Training and Information Center" in topic.answer
    # The link is one "tell me more" away: in the answer it cost an SMS segment.
    assert "https://www.parentcenterhub.org/find-your-center/" in topic.details


CHANGED = (
    "attorneys",
    "timelines",
    "state_complaint",
    "agreement_binding",
    "resolution_meeting",
    "stay_put",
    "outcome_no_agreement",
    "benefit_most_resolved",
    "section_504",
    "discipline",
    "early_intervention",
    "parent_rights",
    "confidentiality_limits",
    "cost",
    "mediator_neutral",
    "caucus",
    "agreement_signing",
    "advocacy_services",
)


@pytest.mark.parametrize("topic_id", CHANGED)
def test_changed_answers_open_without_a_bare_yes_or_no(kb, topic_id):
    assert not re.match(r"(yes|no)\b\s*[.,!:;]", kb.topic(topic_id).answer, re.I), topic_id


def test_every_cited_regulation_section_links_to_its_text(kb):
    for topic_id in CHANGED:
        for ref in kb.topic(topic_id).regulation_refs:
            section = kb.regulation_section(ref)
            assert section.url.startswith("https://") and section.section in section.url, ref


def test_pennsylvania_lets_the_parent_bring_a_lawyer_since_2021(kb):
    """ODR allowed attorneys at mediation from March 1, 2021 (the parent decides; the
    district may bring one only if the parent does). The old "attorneys can't attend" was
    out of date."""
    note = kb.state_note("PA", "attorneys").note
    assert "March 1, 2021" in note and "only if you do" in note
    assert "can't attend" not in note
    details = kb.topic("attorneys").details
    assert "Pennsylvania, since March 2021" in details and "can't\n" not in details
    assert "pa_attorneys_2021" in kb.topic("attorneys").source.references


def test_the_sms_privacy_line_promises_only_what_redaction_hides(kb):
    """Redaction hides e-mail addresses, phone and ID numbers, not names or street
    addresses: the SMS line must not say "contact details"."""
    sms = kb.notice.sms
    assert "contact details" not in sms
    assert "emails, phone and ID numbers hidden" in sms


def test_callback_consent_says_the_emailed_copy_outlives_a_deletion():
    """A callback request leaves the store by e-mail: "delete my conversation" cannot reach
    that copy, so the parent is told before agreeing."""
    consent = _response("utter_ask_callback_consent")
    assert "by e-mail" in consent and "won't delete their copy" in consent


def test_the_greeting_does_not_repeat_the_notice_sent_just_before_it(kb):
    """Every conversation opens with the notice (not legal advice); the greeting that
    follows need not say it again, which costs an SMS segment (issue 20)."""
    greeting = _response("utter_greet")
    assert "legal advice" in kb.notice.disclaimer and "legal advice" not in greeting
