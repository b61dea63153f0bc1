"""The figures of a report, from the parent's turns in a period (insights/turns.py).

Split by language too (issue 21): a question counts in the language it was asked in (the
turn's), a conversation in the language it was in at its last message of the period (one
that switched counts once, as the language it ended in).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from contract import ENGLISH, LANGUAGES, intents
from insights.period import Period, day_of
from insights.turns import (
    ANSWERED,
    CLARIFIED,
    DECLINED,
    OTHER,
    Turn,
    question_before,
)
from knowledge_base.states import known_state

FALLBACK_INTENT = intents.NLU_FALLBACK


@dataclass
class Volume:
    """Conversations and parent messages (of one day, or one channel)."""

    conversations: int = 0
    messages: int = 0


@dataclass
class Feedback:
    """ "Was this helpful?" answers about one topic, with the questions that led there."""

    helpful: int = 0
    not_helpful: int = 0
    helpful_questions: List[str] = field(default_factory=list)
    not_helpful_questions: List[str] = field(default_factory=list)


@dataclass
class Question:
    """A question as the parent typed it, for the clusters and the TSV."""

    text: str
    kind: str  # "declined" or "not helpful"
    timestamp: float
    suggested_intent: str
    language: str = ENGLISH


@dataclass
class LanguageFigures:
    """Conversations, messages and what became of the questions, in one language."""

    conversations: int = 0
    messages: int = 0
    outcomes: Counter = field(default_factory=Counter)

    @property
    def questions(self) -> int:
        return sum(self.outcomes[k] for k in (ANSWERED, CLARIFIED, DECLINED))

    def share(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.questions if self.questions else 0.0


def _every_language() -> Dict[str, LanguageFigures]:
    return {language: LanguageFigures() for language in LANGUAGES}


@dataclass
class Insights:
    period: Period
    conversations: int = 0
    messages: int = 0
    per_day: Dict[dt.date, Volume] = field(default_factory=dict)
    per_channel: Dict[str, Volume] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)
    feedback: Dict[str, Feedback] = field(default_factory=dict)
    states: Counter = field(default_factory=Counter)
    declined: List[Question] = field(default_factory=list)
    not_helpful: List[Question] = field(default_factory=list)
    # Every language of ``contract.LANGUAGES``, in that order, even with nothing in it.
    languages: Dict[str, LanguageFigures] = field(default_factory=_every_language)

    @property
    def questions(self) -> int:
        """Messages that asked something: answered, clarified or declined."""
        return sum(self.outcomes[k] for k in (ANSWERED, CLARIFIED, DECLINED))

    def share(self, outcome: str) -> float:
        return self.outcomes[outcome] / self.questions if self.questions else 0.0


def suggested_intent(turn: Turn) -> str:
    """NLU's best guess, a starting point for labelling: its intent, or when it was unsure
    (``nlu_fallback``), the likeliest intent in its ranking."""
    for name in [turn.intent] + [name for name, _ in turn.ranking]:
        if name and name != FALLBACK_INTENT:
            return name
    return "out_of_scope"


def _shown_question(turn: Turn) -> str:
    return "(a suggested topic, tapped)" if turn.text.startswith("/") else turn.text


def _answer_index(turns: List[Turn], index: int, topic: str) -> Optional[int]:
    """The latest earlier turn of the same sender that answered ``topic``."""
    for i in range(index - 1, -1, -1):
        if turns[i].sender_id != turns[index].sender_id:
            return None
        if turns[i].topic == topic:
            return i
    return None


def _record_feedback(insights: Insights, turns: List[Turn], index: int) -> None:
    turn = turns[index]
    helpful, topic = (
        turn.entities.get(intents.HELPFUL_ENTITY),
        turn.entities.get(intents.TOPIC_ENTITY),
    )
    if helpful not in ("yes", "no") or not topic:
        return
    answered = _answer_index(turns, index, topic)
    asked = question_before(turns, answered) if answered is not None else None
    question = _shown_question(asked) if asked else ""
    entry = insights.feedback.setdefault(topic, Feedback())
    if helpful == "yes":
        entry.helpful += 1
        entry.helpful_questions += [question] if question else []
        return
    entry.not_helpful += 1
    entry.not_helpful_questions += [question] if question else []
    if asked and not asked.text.startswith("/"):
        insights.not_helpful.append(
            Question(asked.text, "not helpful", asked.timestamp, f"ask_{topic}", asked.language)
        )


def compute(turns: List[Turn], period: Period) -> Insights:
    """Every figure of the report for the turns that fall in ``period``."""
    insights = Insights(period)
    first_turn: Dict[Tuple[str, int], Turn] = {}
    last_turn: Dict[Tuple[str, int], Turn] = {}
    states_of: Dict[Tuple[str, int], set] = defaultdict(set)
    for index, turn in enumerate(turns):
        if turn.timestamp not in period:
            continue
        first_turn.setdefault(turn.conversation, turn)
        last_turn[turn.conversation] = turn
        in_language = insights.languages.setdefault(turn.language, LanguageFigures())
        in_language.messages += 1
        in_language.outcomes[turn.outcome] += 1
        insights.messages += 1
        insights.per_day.setdefault(day_of(turn.timestamp), Volume()).messages += 1
        insights.per_channel.setdefault(turn.channel, Volume()).messages += 1
        insights.outcomes[turn.outcome] += 1
        # Only known states: a Turn built from older or hand-made events may hold junk.
        states_of[turn.conversation].update(c for c in map(known_state, turn.states) if c)
        if turn.outcome == ANSWERED and turn.topic:
            insights.topics[turn.topic] += 1
        elif turn.outcome == DECLINED:
            insights.declined.append(
                Question(
                    turn.text, "declined", turn.timestamp, suggested_intent(turn), turn.language
                )
            )
        if turn.intent == intents.FEEDBACK:
            _record_feedback(insights, turns, index)
    for turn in first_turn.values():
        insights.per_day[day_of(turn.timestamp)].conversations += 1
        insights.per_channel[turn.channel].conversations += 1
    for turn in last_turn.values():
        insights.languages[turn.language].conversations += 1
    insights.conversations = len(first_turn)
    insights.per_day = dict(sorted(insights.per_day.items()))
    insights.states = Counter(s for states in states_of.values() for s in states)
    insights.outcomes.setdefault(OTHER, 0)
    return insights
