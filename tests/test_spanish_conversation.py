"""A Spanish conversation over REST, end to end (issue 21, items 2-3 so far): the language
of each message is detected offline, a Spanish question is read by the Spanish model and
answered from the knowledge base's Spanish forms, fixed replies come in Spanish, a short
message keeps the conversation's language, and an English conversation is unchanged."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

from harness.servers import MODEL, Servers
from knowledge_base.states import find_states, spanish_name
from nlu_components.languages import ENGLISH, SPANISH, example_language, fold, long_enough

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    running = Servers(tmp_path_factory.mktemp("spanish"))
    yield running
    running.stop()


def _topics(messages: List[Dict[str, Any]]) -> List[str]:
    return [
        m["custom"]["topic"]
        for m in messages
        if isinstance(m.get("custom"), dict) and m["custom"].get("topic")
    ]


def _text(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_a_spanish_question_gets_the_spanish_answer_with_its_source(servers, kb):
    sender = "es-" + uuid.uuid4().hex[:8]
    messages = servers.ask(sender, "cuanto cuesta la mediacion con el distrito escolar?")
    assert _topics(messages) == ["cost"]
    text = _text(messages)
    assert kb.topic("cost").es.answer in text and kb.topic("cost").answer not in text
    assert "Fuente: " in text and "34 CFR 300.506(b)(4)" in text
    contract = next(m["custom"] for m in messages if isinstance(m.get("custom"), dict))
    assert contract["language"] == SPANISH
    assert [r["title"] for r in contract["related"]][:1] == [
        kb.topic(kb.topic("cost").related[0]).es.title
    ]
    # A short reply names no language: the conversation stays in Spanish.
    assert _text(servers.ask(sender, "ok")).startswith("Muy bien.")


def test_an_english_conversation_is_unchanged(servers, kb):
    messages = servers.ask("en-" + uuid.uuid4().hex[:8], "how much does mediation cost?")
    assert _topics(messages) == ["cost"] and kb.topic("cost").answer in _text(messages)
    assert "Source: " in _text(messages)


def test_a_spanish_parent_who_names_a_state_and_asks_for_a_person_hears_spanish(servers, kb):
    sender = "es-" + uuid.uuid4().hex[:8]
    servers.ask(sender, "buenas tardes, tengo preguntas sobre la mediacion del IEP de mi hijo")
    said = _text(servers.ask(sender, "nosotros vivimos en Pensilvania"))
    assert "Pensilvania" in said and "Pennsylvania." not in said
    said = _text(servers.ask(sender, "quiero hablar con una persona de verdad por favor"))
    assert "Oficina de resolución de conflictos de Pensilvania" in said
    assert kb.state_offices["PA"].office.phone in said


def test_an_unsure_spanish_question_gets_did_you_mean_in_spanish(servers):
    sender = "es-" + uuid.uuid4().hex[:8]
    said = _text(servers.ask(sender, "y la escuela que dice de todo esto de la mediacion mmm"))
    assert "inglés" not in said  # never "I can only answer in English" for Spanish now
    assert "English" not in said


def test_spanish_state_names_and_the_language_helpers():
    assert [s for s, _, _ in find_states("vivimos en Carolina del Norte")] == ["NC"]
    assert [s for s, _, _ in find_states("eres una IA o una persona?")] == []  # "IA" = AI
    assert spanish_name("PA") == "Pensilvania" and spanish_name("TX") == "Texas"
    assert fold("Mediación ¿Cuánto?") == "mediacion ¿cuanto?"
    assert not long_enough("ok si") and long_enough("es gratis la mediacion?")
    assert example_language({"metadata": {"intent": {"language": "es"}}}) == SPANISH
    assert example_language({"metadata": None}) == ENGLISH


def test_the_parent_can_switch_language_both_ways(servers):
    sender = "sw-" + uuid.uuid4().hex[:8]
    servers.ask(sender, "hi there")
    assert _text(servers.ask(sender, "en español por favor")).startswith("De acuerdo, seguimos")
    assert _text(servers.ask(sender, "ok")).startswith("Muy bien.")
    assert _text(servers.ask(sender, "english please")).startswith("Sure, English from now on")
    assert _text(servers.ask(sender, "ok")).startswith("Good.")
