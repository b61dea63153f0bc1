"""Either classifier's reading of a message lands on it the same way, with its questions."""

from __future__ import annotations

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract.intents import ASKED_TOPIC_ENTITY, SECOND_QUESTION_ENTITY
from nlu_components.reading import record_reading

RANKING = [{"name": "out_of_scope", "confidence": 0.7}, {"name": "ask_cost", "confidence": 0.1}]


def _entities(message: Message):
    return [(e["entity"], e["value"]) for e in message.get(ENTITIES, [])]


def test_the_ranking_the_second_question_and_the_asked_topics_are_all_recorded():
    message = Message(data={TEXT: "a story. is it free? do i need a lawyer?"})
    record_reading(message, RANKING, "ask_attorneys", "X", ["ask_cost", "ask_attorneys"])
    assert message.get(INTENT) == RANKING[0] and message.get(INTENT_RANKING_KEY) == RANKING
    assert _entities(message) == [
        (SECOND_QUESTION_ENTITY, "ask_attorneys"),
        (ASKED_TOPIC_ENTITY, "ask_cost"),
        (ASKED_TOPIC_ENTITY, "ask_attorneys"),
    ]
    assert "entities" in message.as_dict(only_output_properties=True)


def test_a_plain_message_gets_no_entities_and_keeps_those_it_had():
    language = {"entity": "language", "value": "en", "start": 0, "end": 3}
    message = Message(data={TEXT: "hi", ENTITIES: [language]})
    record_reading(message, RANKING, None, "X")
    assert message.get(ENTITIES) == [language]
