"""The knowledge base in Spanish (issue 21, item 1): every parent-facing text has its
Spanish form beside the English one; a missing or empty form is an error naming the
entry and field; Spanish answers are at most 70 words, open with a full statement and
mix in no English except proper names; every fixed reply has its Spanish variants."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator, Tuple

import pytest
import yaml

from channels.sms import is_gsm7, segments, to_gsm7
from knowledge_base import KnowledgeBaseError, load
from tests.conftest import REPO, knowledge_base_yaml, write_knowledge_base

# English words that never belong in a Spanish sentence (outside a proper name or address).
ENGLISH = re.compile(
    r"\b(the|and|you|your|with|of|to|is|are|can|for|this|that|it|will|not|what|when)\b", re.I
)
URL = re.compile(r"https?://\S+")
# "Office for Civil Rights", "Illinois State Board of Education": a small word between
# two capitalised ones is part of a name.
NAME_JOINER = re.compile(r"\b([A-Z][\w.'’-]*) (?:of|for|and|the|on) (?=[A-Z])")
BARE_OPENING = re.compile(r"^(sí|si|no|nope)\b(\s+\w+)?\s*[.;:!?]", re.I)


def spanish_texts(kb) -> Iterator[Tuple[str, str]]:
    for topic in kb.topics.values():
        for field in ("title", "question", "answer", "details", "federal_note"):
            text = getattr(topic.es, field)
            if text:
                yield f"topics[{topic.id}].es.{field}", text
    for field in ("disclaimer", "privacy", "sms"):
        yield f"notice.es.{field}", getattr(kb.notice.es, field)
    for area in kb.areas:
        yield f"areas[{area.id}]", area.es_title
    for contact in kb.help_contacts:
        yield f"help_contacts[{contact.name}]", f"{contact.es.name}: {contact.es.how}"
    for note in kb.state_notes:
        yield f"state_notes[{note.state}]", note.es.note


def _edited(tmp_path: Path, edit) -> Path:
    raw = knowledge_base_yaml()
    edit(raw)
    return write_knowledge_base(tmp_path / "kb.yml", raw)


def _topic(raw, topic_id):
    return next(t for t in raw["topics"] if t["id"] == topic_id)


@pytest.mark.parametrize(
    "edit, where",
    [
        (lambda raw: _topic(raw, "cost").pop("es"), r"topics\[cost\]\.es: field required"),
        (lambda raw: _topic(raw, "cost")["es"].update(answer=""), r"topics\[cost\]\.es\.answer"),
        (lambda raw: _topic(raw, "cost")["es"].pop("details"), r"topics\[cost\]\.es\.details"),
        (
            lambda raw: _topic(raw, "cost")["es"].pop("federal_note"),
            r"topics\[cost\]\.es\.federal_note: missing Spanish form",
        ),
        (lambda raw: raw["notice"]["es"].pop("privacy"), r"notice\.es\.privacy"),
        (lambda raw: raw["areas"][0].pop("es"), r"areas\[what_it_is\]\.es"),
        (lambda raw: raw["help_contacts"][0]["es"].update(how=""), r"help_contacts.*\.es\.how"),
        (lambda raw: raw["state_notes"][0].pop("es"), r"state_notes\[PA\]\.es"),
        (
            lambda raw: _topic(raw, "cost")["es"].update(answer="palabra " * 71),
            r"topics\[cost\]\.es\.answer: 71 words, at most 70",
        ),
    ],
)
def test_a_missing_or_empty_spanish_form_is_an_error_naming_entry_and_field(tmp_path, edit, where):
    with pytest.raises(KnowledgeBaseError, match=where):
        load(_edited(tmp_path, edit))


def test_every_topic_has_spanish_details_and_note_exactly_where_the_english_does(kb):
    for topic in kb.topics.values():
        assert bool(topic.es.details) == bool(topic.details), topic.id
        assert bool(topic.es.federal_note) == bool(topic.federal_note), topic.id


@pytest.mark.parametrize("topic_id", sorted(load().topics))
def test_a_spanish_answer_opens_with_a_full_statement(kb, topic_id):
    answer = kb.topic(topic_id).es.answer
    first = re.split(r"(?<=[.!?])\s", answer, maxsplit=1)[0]
    assert not BARE_OPENING.match(first) and len(first.split()) >= 4, first


def test_spanish_text_mixes_in_no_english_except_names_and_addresses(kb):
    found = []
    for where, text in spanish_texts(kb):
        plain = NAME_JOINER.sub(r"\1 ", URL.sub(" ", text))
        words = ENGLISH.findall(plain)
        if words:
            found.append((where, words))
    assert found == []


def test_the_english_check_catches_an_untranslated_sentence():
    plain = NAME_JOINER.sub(r"\1 ", "La mediación es gratis. You can bring an advocate.")
    assert ENGLISH.findall(plain)
    assert not ENGLISH.findall(NAME_JOINER.sub(r"\1 ", "ante la Office for Civil Rights (OCR)"))


def test_the_spanish_sms_notice_is_one_gsm7_segment(kb):
    sms = to_gsm7(kb.notice.es.sms)
    assert is_gsm7(sms) and segments(sms) == 1, sms


def test_every_reply_has_its_spanish_variants_with_the_same_placeholders_and_payloads():
    responses = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["responses"]
    placeholder = re.compile(r"\{\w+\}")
    for name, variants in responses.items():
        english = [v for v in variants if not v.get("condition")]
        spanish = [v for v in variants if v.get("condition")]
        assert len(spanish) == len(english), name
        for en, es in zip(english, spanish):
            assert es["condition"] == [{"type": "slot", "name": "language", "value": "es"}]
            assert es.get("channel") == en.get("channel"), name
            assert sorted(placeholder.findall(es["text"])) == sorted(
                placeholder.findall(en["text"])
            ), name
            assert [b["payload"] for b in es.get("buttons", [])] == [
                b["payload"] for b in en.get("buttons", [])
            ], name
            # Not just "{contacts}"; a language switch is said in the chosen language.
            switch = name in ("utter_language_spanish", "utter_language_english")
            if placeholder.sub("", en["text"]).strip() and not switch:
                assert es["text"] != en["text"], name


@pytest.mark.parametrize("channel", ["rest", "twilio"])
def test_rasa_picks_the_spanish_variant_when_the_language_is_spanish(channel):
    """Rasa's own response selection (the domain's `condition` on the `language` slot): the
    Spanish greeting for a Spanish conversation, the English one by default."""
    import asyncio

    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import SlotSet
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(REPO / "domain.yml"))
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)

    def greeting(language):
        tracker = DialogueStateTracker.from_events("es-test", [], slots=domain.slots)
        if language:
            tracker.update(SlotSet("language", language))
        return asyncio.run(nlg.generate("utter_greet", tracker, channel))["text"]

    assert greeting("es").startswith("¡Hola!")
    assert greeting(None).startswith("Hi!") and greeting("en").startswith("Hi!")
