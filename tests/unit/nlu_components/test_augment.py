"""Training rows without the word "mediation" (nlu_components/augment.py)."""

from __future__ import annotations

import pytest

from nlu_components.augment import pronoun_rows, without_the_word


@pytest.mark.parametrize(
    "example, expected",
    [
        ("is mediation free", "is it free"),
        ("can we reschedule the mediation session?", "can we reschedule it?"),
        ("Can My Attorney Attend the Mediation with Me?", "Can My Attorney Attend it with Me?"),
        ("how long does our IEP mediation take", "how long does it take"),
        ("is medation worth it", "is it worth it"),
    ],
)
def test_the_word_and_what_points_at_it_become_it(example: str, expected: str) -> None:
    assert without_the_word(example) == expected


@pytest.mark.parametrize(
    "example",
    [
        "is the mediation agreement binding",  # a compound: "it agreement" is no question
        "who picks the mediator",  # the mediator is a topic of its own
        "do i need a lawyer",
    ],
)
def test_examples_that_would_not_read_as_a_question_are_left_alone(example: str) -> None:
    assert without_the_word(example) is None


def test_rows_are_made_for_topic_intents_only_and_once() -> None:
    examples = [
        ("is mediation free", "ask_cost"),
        ("is the mediation free", "ask_cost"),  # the same row again
        ("is it free", "ask_cost"),  # already an example
        ("mediation is a scam", "out_of_scope"),
        ("how long does mediation take", "ask_duration"),
    ]
    assert pronoun_rows(examples, "ask_") == [("how long does it take", "ask_duration")]
