"""Follow-up reading ("the second one", "la última"): which offered topic a reply picks."""

from __future__ import annotations

import pytest

from actions import followups


@pytest.mark.parametrize(
    "text, count, expected",
    [
        ("what about the second one?", 4, 1),
        ("and the last one?", 4, 3),
        ("the 3rd", 4, 2),
        ("number 4 please", 4, 3),
        ("#1", 2, 0),
        ("the fifth one", 4, None),  # past the end of the list
        ("tell me about that", 4, None),
        ("the second one", 0, None),  # nothing was offered
        # Spanish (issue 21)
        ("la segunda", 4, 1),
        ("el primero por favor", 4, 0),
        ("y la última?", 4, 3),
        ("Último", 3, 2),
        ("opción tres", 4, 2),
        ("quiero una cita", 4, None),  # "una" is "a", not "one"
        ("la quinta", 4, None),
    ],
)
def test_pick_option(text, count, expected):
    assert followups.pick_option(text, count) == expected


def test_topic_intents_map_to_known_topics_only():
    topics = ["cost", "voluntary"]
    assert followups.topic_for_intent("ask_cost", topics) == "cost"
    assert followups.topic_for_intent("ask_unknown", topics) is None
    assert followups.topic_for_intent("greet", topics) is None
    assert followups.payload_for_topic("cost") == "/ask_cost"


def test_top_topics_skips_non_topic_intents():
    ranking = [
        {"name": "nlu_fallback"},
        {"name": "greet"},
        {"name": "ask_cost"},
        {"name": "ask_cost"},
        {"name": "ask_voluntary"},
        {"name": "ask_duration"},
    ]
    assert followups.top_topics(ranking, ["cost", "voluntary", "duration"]) == ["cost", "voluntary"]
