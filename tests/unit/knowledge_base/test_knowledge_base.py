"""The knowledge base: complete, consistent, in our own words, and loud when malformed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge_base import DEFAULT_PATH, KnowledgeBaseError, load
from knowledge_base.loader import YAML_LOADER
from tests.conftest import knowledge_base_yaml, write_knowledge_base

# Clients, the FAQ page and the evaluation address topics by these ids: they are a contract.
FIXED_TOPIC_IDS = (
    "what_is_mediation",
    "mediator_neutral",
    "mediator_selection",
    "cost",
    "voluntary",
    "confidentiality",
    "parent_rights",
    "benefits_overview",
    "benefit_understanding",
    "benefit_flexibility",
    "benefit_relationship",
    "benefit_mutual_agreement",
    "benefit_low_cost",
    "benefit_most_resolved",
    "mediation_vs_hearing",
    "scheduling",
    "duration",
    "district_attendees",
    "what_to_bring",
    "preparation",
    "outcomes_overview",
    "outcome_full_settlement",
    "outcome_partial_settlement",
    "outcome_try_again",
    "outcome_no_agreement",
    "agreement_binding",
    "discipline",
    "advocacy_services",
    # Beyond the article (../shared/reference/beyond-the-article.md).
    "request_mediation",
    "resolution_meeting",
    "facilitated_iep",
    "attorneys",
    "agreement_contents",
    "agreement_signing",
    "confidentiality_limits",
    "agreement_and_iep",
    "remote_mediation",
    "caucus",
    "stay_put",
    "timelines",
    "state_complaint",
    "section_504",
    "early_intervention",
    # Issue 20: the questions parents ask next.
    "how_soon",
    "what_can_be_mediated",
    "agreement_requests",
    "district_lawyer",
    "private_mediator",
    "services_while_waiting",
    "enforce_without_lawyer",
)

ARTICLE = Path(
    os.environ.get(
        "IEP_SOURCE_ARTICLE",
        DEFAULT_PATH.parents[2] / "shared" / "seeds" / "000_a5692de4509fa538.txt",
    )
)


def test_every_fixed_topic_id_is_present_once(kb):
    assert sorted(kb.topics) == sorted(FIXED_TOPIC_IDS)


def test_new_topics_cite_the_sections_and_guidance_the_reference_names(kb):
    cited = lambda t: {r.split("(")[0] for r in kb.topic(t).regulation_refs}
    assert "300.510" in cited("resolution_meeting")
    assert {"300.507", "300.517"} <= cited("attorneys")
    assert "300.518" in cited("stay_put")
    assert "300.152" in cited("state_complaint")
    assert "303.431" in cited("early_intervention")
    assert "osep_2020_confidentiality" in kb.topic("confidentiality_limits").source.references
    assert "utah_usbe" in kb.topic("remote_mediation").source.references
    for section in kb.regulations.values():
        assert section.section in section.url  # the https check is load()'s (tested below)


def test_every_state_note_comes_from_the_verified_table(kb):
    """Only the states and topics of the reference's table; weak sources say to check."""
    table = {
        ("PA", "attorneys"),
        ("PA", "what_to_bring"),
        ("PA", "stay_put"),
        ("CA", "mediator_selection"),
        ("CA", "attorneys"),
        ("CA", "timelines"),
        ("WI", "mediator_selection"),
        ("WI", "district_attendees"),
        ("TX", "request_mediation"),
        ("DC", "request_mediation"),
        ("DC", "confidentiality_limits"),
        ("IL", "stay_put"),
        ("UT", "remote_mediation"),
    }
    ours = {(n.state, t) for n in kb.state_notes for t in n.topics}
    assert ours == table
    for note in kb.state_notes:
        if note.confidence == "advocate":
            assert "check with" in note.note.lower(), note.state


def test_the_outline_is_the_articles(kb):
    """3 opening paragraphs, 6 benefits, 2 on the day, 4 outcomes, 3 closing paragraphs
    (that each is used by some topic is load()'s check, tested below)."""
    assert len(kb.article.parts) == 18


def test_areas_group_all_topics_in_order(kb):
    assert [a.id for a in kb.areas] == [
        "what_it_is",
        "rights",
        "starting",
        "benefits",
        "the_day",
        "outcomes",
        "the_agreement",
        "other_routes",
        "more_help",
    ]
    assert sorted(t for a in kb.areas for t in a.topics) == sorted(FIXED_TOPIC_IDS)


def test_list_topics_offer_their_items_in_the_article_order(kb):
    assert kb.topic("outcomes_overview").related == (
        "outcome_full_settlement",
        "outcome_partial_settlement",
        "outcome_try_again",
        "outcome_no_agreement",
    )
    assert kb.topic("benefits_overview").related[0] == "benefit_understanding"
    assert len(kb.topic("benefits_overview").related) == 6


@pytest.mark.parametrize(
    "first, second, swapped",
    [
        # An overview asked after one of its parts answers first: it states both.
        ("benefit_mutual_agreement", "parent_rights", True),
        ("scheduling", "parent_rights", True),
        ("outcome_no_agreement", "outcomes_overview", True),
        # Otherwise the order asked.
        ("parent_rights", "cost", False),
        ("attorneys", "district_lawyer", False),
        # An overview that does not name the other topic does not answer it.
        ("district_lawyer", "parent_rights", False),
    ],
)
def test_two_questions_are_answered_overview_first_only_when_it_states_both(
    kb, first, second, swapped
):
    expected = (second, first) if swapped else (first, second)
    assert kb.answer_order(first, second) == expected


@pytest.mark.parametrize(
    "topic_id, must_say, must_not_say",
    [
        # Corrections from the federal rules (34 CFR 300.506): never repeat the article's errors.
        ("agreement_binding", r"binding", r"court (makes|made) it binding|made binding by a court"),
        (
            "what_is_mediation",
            r"voluntary|option|any time",
            r"first (official )?step (in|of) due process",
        ),
        ("mediator_selection", r"\bstate\b", r"district (picks|chooses|selects)"),
        ("cost", r"\bstate\b", r"\bdistrict pays\b"),
        ("voluntary", r"both|school|district", r"^yes"),
        ("confidentiality", r"whether or not|even if|either way|succeeds or", r"only if it fails"),
        ("scheduling", r"both|everyone|all parties|you and the", r"convenient to the parent only"),
    ],
)
def test_answers_follow_federal_law_where_the_article_is_wrong(
    kb, topic_id, must_say, must_not_say
):
    topic = kb.topic(topic_id)
    text = f"{topic.answer} {topic.details}".lower()
    assert re.search(must_say, text), (topic_id, text)
    assert not re.search(must_not_say, text), (topic_id, text)


def test_corrected_topics_cite_the_regulation(kb):
    for topic_id in (
        "agreement_binding",
        "cost",
        "voluntary",
        "confidentiality",
        "mediator_selection",
        "what_is_mediation",
        "scheduling",
    ):
        note = kb.topic(topic_id).federal_note
        assert note is not None and "CFR" in note.citation, topic_id


@pytest.mark.skipif(not ARTICLE.exists(), reason=f"source article not found at {ARTICLE}")
def test_no_sentence_of_the_article_is_copied_into_the_repo():
    words = lambda text: re.findall(r"[a-z0-9']+", text.lower().replace("’", "'"))
    article = words(ARTICLE.read_text(encoding="utf-8"))
    grams = {tuple(article[i : i + 8]) for i in range(len(article) - 7)}
    ours = words(DEFAULT_PATH.read_text(encoding="utf-8"))
    copied = [
        " ".join(ours[i : i + 8]) for i in range(len(ours) - 7) if tuple(ours[i : i + 8]) in grams
    ]
    assert copied == []


# --- a malformed knowledge base fails loudly, naming file, entry and field -------------


def _broken(tmp_path, mutate):
    raw = knowledge_base_yaml()
    mutate(raw)
    return write_knowledge_base(tmp_path / "kb.yml", raw)


def _topic(raw, topic_id):
    return next(t for t in raw["topics"] if t["id"] == topic_id)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda raw: _topic(raw, "cost").pop("answer"), r"topics\[cost\]\.answer: field required"),
        (
            lambda raw: _topic(raw, "cost").update(answer="  "),
            r"topics\[cost\]\.answer: must be a non-empty",
        ),
        (
            lambda raw: _topic(raw, "cost").update(colour="red"),
            r"topics\[cost\]\.colour: extra fields",
        ),
        (
            lambda raw: _topic(raw, "cost").update(related=["nope"]),
            r"topics\[cost\]\.related: .*'nope'",
        ),
        (
            lambda raw: _topic(raw, "cost").update(related=["cost"]),
            r"topics\[cost\]\.related: .*'cost'",
        ),
        (
            lambda raw: _topic(raw, "cost").update(source={"article": ["intro-99"]}),
            r"topics\[cost\]\.source\.article: unknown article part 'intro-99'",
        ),
        (
            lambda raw: _topic(raw, "cost").update(answer="word " * 61),
            r"topics\[cost\]\.answer: 61 words",
        ),
        (
            lambda raw: _topic(raw, "cost").update(area="elsewhere"),
            r"topics\[cost\]\.area: unknown area",
        ),
        (lambda raw: raw["topics"].pop(0), r"starter_topics: unknown topic 'what_is_mediation'"),
        (
            lambda raw: _topic(raw, "cost").update(source={"references": ["nope"]}),
            r"topics\[cost\]\.source\.references: unknown reference 'nope'",
        ),
        (
            lambda raw: _topic(raw, "cost").update(followups={"if_fails": "nope"}),
            r"topics\[cost\]\.followups\.if_fails: unknown topic 'nope'",
        ),
        (
            lambda raw: raw["sources"]["references"][0].update(url="http://example.org"),
            r"sources\.references\[\w+\]\.url: must be an https:// address",
        ),
        (
            lambda raw: raw["sources"]["regulations"][0]["parts"].append(
                {"id": "300.999(a)", "summary": "x"}
            ),
            r"sources\.regulations\[300\.506\]\.parts: part '300\.999\(a\)' is not in section",
        ),
        (
            lambda raw: raw["state_notes"][0].update(state="Penn"),
            r"state_notes\[Penn\]\.state: string does not match",
        ),
        (
            lambda raw: raw["state_notes"][0].update(topics=["nope"]),
            r"state_notes\[\w+\]\.topics: unknown topic 'nope'",
        ),
        (lambda raw: raw["topics"].append(dict(_topic(raw, "cost"))), r"duplicate topic id 'cost'"),
        (
            lambda raw: raw["sources"]["article"]["sections"][0]["parts"].append(
                {"id": "intro-9", "summary": "x"}
            ),
            r"sources\.article: parts used by no topic: \['intro-9'\]",
        ),
        (
            lambda raw: raw.update(help_contacts=[]),
            r"help_contacts: ensure this value has at least 1 items",
        ),
    ],
)
def test_malformed_knowledge_base_names_file_entry_and_field(tmp_path, mutate, message):
    path = _broken(tmp_path, mutate)
    with pytest.raises(KnowledgeBaseError, match=message) as err:
        load(path)
    assert str(path) in str(err.value)


def test_unparseable_or_missing_file_fails_loudly(tmp_path):
    bad = tmp_path / "kb.yml"
    bad.write_text("topics: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="not valid YAML"):
        load(bad)
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load(tmp_path / "missing.yml")


def test_action_server_refuses_to_start_with_a_malformed_knowledge_base(tmp_path):
    path = _broken(tmp_path, lambda raw: _topic(raw, "cost").pop("answer"))
    result = subprocess.run(
        [sys.executable, "-c", "import actions.actions"],
        cwd=DEFAULT_PATH.parents[1],
        capture_output=True,
        text=True,
        env={**os.environ, "IEP_KB_PATH": str(path)},
        timeout=300,
    )
    assert result.returncode != 0
    assert f"{path}: topics[cost].answer: field required" in result.stderr


def test_the_fast_yaml_loader_reads_the_knowledge_base_as_pyyamls_own_does():
    """The loader uses libyaml for speed; it must not read our file any differently."""
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    assert yaml.load(text, Loader=YAML_LOADER) == yaml.safe_load(text)
