"""A message that only names mediation asks what mediation is (issue 19): a promise, not
something the classifier may or may not have learned."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu_components.mediation_mention import VagueMediationClassifier
from nlu_components.mediation_words import names_mediation, only_names_mediation

VAGUE = [
    "medation sombody said i shud do it??",
    "mediation?? someone said i should",
    "Mediation",
    "my school offered mediation",
    "the district brought up mediaton",
    "hi, what about mediation please",
    "not sure about this mediation thing",
    "mediacion?",
    "somone mentioned meditation",
]
SAYS_MORE = [
    "can I record the mediation?",
    "is mediation free",
    "my son was suspended, can mediation help",
    "we don't want mediation",
    "someone said I should sue the district",
    "What is a mediator?",
    "Should You Go To Mediation?",
    "",
]


@pytest.mark.parametrize("text", VAGUE)
def test_vague_mentions_are_recognised(text):
    assert only_names_mediation(text)


@pytest.mark.parametrize("text", SAYS_MORE)
def test_messages_that_say_more_are_left_to_the_classifier(text):
    assert not only_names_mediation(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mediator", True),
        ("they want to mediate", True),
        ("medical records", False),
        ("immediate help", False),
        ("meeting", False),
    ],
)
def test_names_mediation(text, expected):
    assert names_mediation(text) is expected


def _classified(text, name, confidence):
    ranking = [{"name": name, "confidence": confidence}, {"name": "ask_cost", "confidence": 0.05}]
    message = Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})
    VagueMediationClassifier(VagueMediationClassifier.get_default_config()).process([message])
    return message


@pytest.mark.parametrize(
    "name, confidence",
    [("out_of_scope", 0.9), ("help", 0.5), ("ask_voluntary", 0.2), ("describe_dispute", 0.7)],
)
def test_a_vague_mention_becomes_what_is_mediation(name, confidence):
    message = _classified("medation sombody said i shud do it??", name, confidence)
    assert message.get(INTENT) == {"name": "ask_what_is_mediation", "confidence": 1.0}
    assert [r["name"] for r in message.get(INTENT_RANKING_KEY)][:2] == [
        "ask_what_is_mediation",
        name,
    ]


def test_a_topic_the_classifier_found_is_kept():
    message = _classified("my lawyer said mediation", "ask_attorneys", 0.7)
    assert message.get(INTENT)["name"] == "ask_attorneys"


def test_a_message_that_says_more_keeps_its_decline():
    message = _classified("can I record the mediation?", "out_of_scope", 0.9)
    assert message.get(INTENT)["name"] == "out_of_scope"
