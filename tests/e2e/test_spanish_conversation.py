"""A Spanish conversation over REST, end to end (issue 21, items 2-3 so far): the language
of each message is detected offline, a Spanish question is read by the Spanish model and
answered from the knowledge base's Spanish forms, fixed replies come in Spanish, a short
message keeps the conversation's language, and an English conversation is unchanged."""

from __future__ import annotations

import uuid
from typing import Any, Dict, List

import pytest

from harness.servers import MODEL
from knowledge_base.states import find_states, spanish_name
from nlu_components import questions
from nlu_components.languages import (
    ENGLISH,
    SPANISH,
    example_language,
    fold,
    guess_language,
    long_enough,
    starting_language,
)

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture
def servers(shared_servers):
    """The session's default stack (tests/stacks.py): no settings of this module's own."""
    return shared_servers


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


def test_a_spanish_parent_naming_a_state_and_asking_whom_to_call_gets_its_office(servers, kb):
    # Fifteenth session: this got "Lo siento, no tengo información sobre ese tema" first.
    said = _text(servers.ask("es-" + uuid.uuid4().hex[:8], "vivo en texas, con quien hablo"))
    assert "Soy un asistente automático" in said and "Lo siento" not in said
    assert "Oficina de resolución de conflictos de Texas" in said


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


def test_a_short_spanish_question_after_an_english_hello_is_answered_in_spanish(servers, kb):
    # "hello" starts the chat in English; "es gratis?" is two words, every one Spanish only.
    sender = "sh-" + uuid.uuid4().hex[:8]
    servers.ask(sender, "hello")
    messages = servers.ask(sender, "es gratis?")
    assert kb.topic("cost").es.answer in _text(messages)
    assert _text(servers.ask(sender, "ok")).startswith("Muy bien.")  # and it stays Spanish
    # Thanks borrowed from English say nothing of the language (they once switched it).
    assert _text(servers.ask(sender, "thank you")).startswith("De nada.")


def test_a_first_message_in_spanish_gets_the_notice_in_spanish(servers, kb):
    # Rasa sends the notice before NLU reads the message: the channel's guess decides it.
    messages = servers.ask(
        "es-" + uuid.uuid4().hex[:8], "hola, necesito ayuda, cuanto cuesta la mediacion?"
    )
    text = _text(messages)
    assert kb.notice.es.disclaimer in text and kb.notice.disclaimer not in text
    assert _topics(messages) == ["cost"]


def test_the_clients_language_setting_decides_the_notice_and_the_conversation(servers, kb):
    # A Spanish page's widget says so in the metadata; "ok" alone names no language.
    sender = "es-" + uuid.uuid4().hex[:8]
    text = _text(servers.ask(sender, "ok", metadata={"language": "es-MX"}))
    assert kb.notice.es.disclaimer in text and kb.notice.disclaimer not in text
    messages = servers.ask(sender, "cost")  # one word: too short to tell, Spanish stays
    assert kb.topic("cost").es.answer in _text(messages)


def test_an_english_first_message_keeps_the_english_notice(servers, kb):
    text = _text(servers.ask("en-" + uuid.uuid4().hex[:8], "is mediation free?"))
    assert kb.notice.disclaimer in text and kb.notice.es.disclaimer not in text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hola, necesito ayuda con la mediacion para mi hijo, es gratis?", SPANISH),
        ("que pasa si no llegamos a un acuerdo", SPANISH),
        ("the school won't test my daughter, what do I do", ENGLISH),
        ("ok", None),
        ("IEP", None),
    ],
)
def test_the_first_message_guess(text, expected):
    assert guess_language(text) == expected


@pytest.mark.parametrize(
    "metadata, carried, expected",
    [
        ({"language": "es-MX"}, "en", SPANISH),  # the client's setting wins
        ({"language": "fr"}, SPANISH, SPANISH),  # an unknown setting is ignored
        ({"language_guess": "en"}, SPANISH, SPANISH),  # the parent's choice beats a guess
        ({"language_guess": "es"}, None, SPANISH),
        ({}, None, None),  # nothing tells: the notice in English, the slot unset
    ],
)
def test_the_language_a_conversation_starts_in(metadata, carried, expected):
    assert starting_language(metadata, carried) == expected


def test_a_long_spanish_story_is_answered_by_the_question_inside_it(servers, kb):
    story = (
        "Buenas tardes. Mi hijo tiene 8 años y autismo, va en segundo grado. La escuela no "
        "quiere darle mas horas de terapia de lenguaje y ya tuvimos tres juntas del IEP sin "
        "llegar a nada. Mi esposo trabaja y yo no trabajo. Tengo que pagar algo por la mediacion?"
    )
    messages = servers.ask("es-" + uuid.uuid4().hex[:8], story)
    assert _topics(messages) == ["cost"]
    assert kb.topic("cost").es.answer in _text(messages)


def test_spanish_sentences_and_questions():
    story = (
        "Mi niña va en 3er grado. ¿Cómo funciona la mediación? la escuela dijo que si. Hay un juez?"
    )
    assert questions.spanish_segments(story) == [
        "Mi niña va en 3er grado.",
        "¿Cómo funciona la mediación?",
        "la escuela dijo que si.",
        "Hay un juez?",
    ]
    assert questions.is_spanish_question(fold("¿Cómo funciona"))
    assert questions.is_spanish_question("se puede pedir mediacion en california")
    assert not questions.is_spanish_question("la escuela dijo que si.")


def test_the_issues_own_spanish_message_is_answered(servers, kb):
    # A story, then a short question after a comma: the question decides.
    messages = servers.ask(
        "es-" + uuid.uuid4().hex[:8],
        "hola, necesito ayuda con la mediacion para mi hijo, es gratis?",
    )
    assert _topics(messages) == ["cost"]
    assert kb.notice.es.disclaimer in _text(messages)


def test_two_spanish_questions_joined_by_y_answer_the_first_and_offer_the_second(servers):
    """Found trying the bot as a parent: "cuanto cuesta" (two words) was glued to the
    story and "y cuanto tiempo dura?" answered alone, with no word on the cost."""
    messages = servers.ask(
        "es-" + uuid.uuid4().hex[:8],
        "mi hijo tiene autismo y lo mandan a la casa temprano casi todos los dias. la escuela "
        "dice que podemos ir a mediacion. cuanto cuesta y cuanto tiempo dura?",
    )
    assert _topics(messages) == ["cost"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/ask_duration"]


def test_a_spanish_message_is_cut_at_a_second_question_and_keeps_two_word_questions():
    text = "la escuela dice que podemos ir a mediacion. cuanto cuesta y cuanto tiempo dura?"
    assert questions.spanish_segments(text) == [
        "la escuela dice que podemos ir a mediacion.",
        "cuanto cuesta",
        "y cuanto tiempo dura?",
    ]
    # "y que" joins statements as often as questions: no cut there.
    assert questions.spanish_segments("la maestra dice que si y que no sabe") == [
        "la maestra dice que si y que no sabe"
    ]


def test_a_two_word_spanish_sentence_with_a_question_mark_stands_alone():
    """Found trying the bot as a parent: "...una amiga me dijo que pida mediacion. eso
    cuesta?" glued "eso cuesta?" to the story and was answered "what is mediation"."""
    assert questions.spanish_segments("una amiga me dijo que pida mediacion. eso cuesta?") == [
        "una amiga me dijo que pida mediacion.",
        "eso cuesta?",
    ]
    # Two words that do not ask still join their neighbour.
    assert questions.spanish_segments("mi hijo tiene autismo. ya veremos.") == [
        "mi hijo tiene autismo. ya veremos."
    ]


@pytest.mark.parametrize(
    "text, tail",
    [
        ("necesito ayuda con la mediacion para mi hijo, es gratis?", "es gratis?"),
        ("me dijeron que pidiera mediacion, eso cuesta??", "eso cuesta??"),
        ("es gratis?", None),  # no comma: the message is the question
        ("mi hijo, la escuela y yo", None),  # no question
        # choices that end a question are not a question of their own
        ("quien firma el acuerdo, el mediador o la directora?", None),
        ("que nos conviene, la mediacion o la audiencia?", None),
    ],
)
def test_the_short_question_a_spanish_message_ends_with(text, tail):
    assert questions.spanish_tail_question(text) == tail


# Found trying the bot as a parent in Spanish (seventh session), worded differently from the
# examples written for them.
@pytest.mark.parametrize(
    "question, topic",
    [
        ("tengo que aceptar que la directora venga a la mediacion?", "district_attendees"),
        ("como empieza la mediacion, que pasa primero", "what_is_mediation"),
        (
            "mi hija tiene dislexia y no la quieren evaluar, eso se puede llevar a mediacion?",
            "what_can_be_mediated",
        ),
        # The question asked, not the sentence that only names mediation before it.
        ("mi vecina me hablo de la mediacion. como se pide?", "request_mediation"),
        ("si la mediacion no sale bien y no hay acuerdo, que pasa?", "outcome_no_agreement"),
        ("no nos pusimos de acuerdo en la junta del ARD, que hago", "what_is_mediation"),
    ],
)
def test_spanish_questions_found_asking_as_a_parent_get_the_answer_that_fits(
    servers, kb, question, topic
):
    messages = servers.ask("es-" + uuid.uuid4().hex[:8], question)
    assert _topics(messages) == [topic]
    assert kb.topic(topic).es.answer in _text(messages)


@pytest.mark.parametrize(
    "question",
    [
        "la mediacion es en español o en ingles?",
        "el mediador habla espanol",
        "puedo grabar con mi telefono lo que hablamos en la mediacion?",  # was video mediation
    ],
)
def test_what_no_source_answers_is_declined_with_help_not_guessed(servers, question):
    """No source says what language a session is held in, or whether it may be recorded:
    the mediator's neutrality and video mediation were the answers before; now the State's
    office is named."""
    messages = servers.ask("es-" + uuid.uuid4().hex[:8], question)
    assert _topics(messages) == []
    assert "resolución de conflictos" in _text(messages)
