"""An answer's first words are read for every wording that reaches it (issue 20, item 4).

"No. Mediation is free" answers "do I have to pay?" but tells a parent who asked "is it
free?" the opposite. So no answer may open with a bare yes, no or "not ...": its first
sentence must say what it affirms or denies in full. These tests run every yes/no question
the NLU is trained on for a topic against that topic's answer, so a new wording added to
the training data is checked too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List

import pytest
import yaml

from knowledge_base.intents import TOPIC_INTENT_PREFIX
from tests.conftest import REPO

# "Yes.", "No!", "Not always.", "Not automatically:": a polarity word and at most one
# more word before the first stop ("Yes, it's free" repeats what it affirms, so it may stay).
BARE_POLARITY = re.compile(r"^(yes|yeah|yep|no|nope|not)\b(\s+\w+)?\s*[.;:!?]", re.I)
YES_NO_QUESTION = re.compile(
    r"^(is|are|do|does|did|can|could|will|would|should|must|may|am|has|have|was|were)\b", re.I
)


@lru_cache(maxsize=1)  # read by each topic's test: the NLU files are parsed once
def _training_questions() -> Dict[str, List[str]]:
    questions: Dict[str, List[str]] = {}
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            intent = block.get("intent", "")
            if intent.startswith(TOPIC_INTENT_PREFIX):
                lines = block["examples"].splitlines()
                examples = [line.lstrip("- ").strip() for line in lines if line.strip()]
                questions.setdefault(intent[len(TOPIC_INTENT_PREFIX) :], []).extend(examples)
    return questions


def _first_sentence(answer: str) -> str:
    return re.split(r"(?<=[.!?])\s", answer, maxsplit=1)[0]


def test_the_opening_check_catches_the_wordings_that_misled_parents():
    assert BARE_POLARITY.match("No. Mediation is free for you.")
    assert BARE_POLARITY.match("Yes. Once you and a district representative sign it")
    assert BARE_POLARITY.match("Not automatically. Federal stay-put starts")
    assert BARE_POLARITY.match("Not always. IDEA mediation is for")
    assert not BARE_POLARITY.match("No law requires a lawyer for mediation.")
    assert not BARE_POLARITY.match("No one decides for you.")
    assert not BARE_POLARITY.match("Yes, mediation is free for you.")


def test_every_topic_has_yes_no_questions_to_check(kb):
    questions = _training_questions()
    asked = [t for t in kb.topics if any(YES_NO_QUESTION.match(q) for q in questions.get(t, []))]
    assert (
        len(asked) >= len(kb.topics) // 2
    ), "too few yes/no questions found: is the parser broken?"


@pytest.mark.parametrize("topic_id", sorted(_training_questions()))
def test_no_answer_opens_with_a_bare_yes_or_no_for_any_question_it_answers(kb, topic_id):
    answer = kb.topic(topic_id).answer
    first = _first_sentence(answer)
    yes_no = [q for q in _training_questions()[topic_id] if YES_NO_QUESTION.match(q)]
    for question in yes_no or [kb.topic(topic_id).question]:
        assert not BARE_POLARITY.match(
            first
        ), f"{topic_id}: {question!r} is answered {first!r}; say what it affirms in full"
    assert (
        len(first.split()) >= 4
    ), f"{topic_id}: the first sentence {first!r} is too short to stand alone"
