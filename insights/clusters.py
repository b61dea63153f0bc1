"""Group similar questions, with the MiniLM sentence embedding the NLU already uses.

Agglomerative clustering, average linkage, on cosine distance with a fixed threshold:
no random start, so the same questions always give the same groups, and no number of
groups to guess. Two questions land together when, on average, their embeddings are
closer than ``DISTANCE_THRESHOLD`` (paraphrases of one question score 0.55–0.85 in
cosine similarity with MiniLM, different school questions mostly under 0.4).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Sequence

import numpy as np

from contract import ENGLISH, LANGUAGES
from insights.metrics import Question
from nlu_components.minilm import shared_encoder

DISTANCE_THRESHOLD = 0.55
MAX_EXAMPLES = 5


@dataclass
class Cluster:
    """Similar questions: how many were asked, the distinct wordings (most asked first)."""

    size: int
    examples: List[str]
    kinds: Counter = field(default_factory=Counter)
    questions: List[Question] = field(default_factory=list)
    language: str = ENGLISH


def embed(texts: Sequence[str]) -> np.ndarray:
    """L2-normalised MiniLM sentence embeddings, one row per text."""
    return shared_encoder().encode(list(texts))


def _normal(text: str) -> str:
    return " ".join(text.lower().split())


def _labels(texts: List[str]) -> List[int]:
    if len(texts) < 2:
        return [0] * len(texts)
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=DISTANCE_THRESHOLD,
        affinity="cosine",
        linkage="average",
    )
    return [int(label) for label in model.fit_predict(embed(texts))]


def cluster(questions: Sequence[Question]) -> List[Cluster]:
    """Similar questions together, largest group first (ties: the earliest asked)."""
    by_wording: Dict[str, List[Question]] = {}
    for question in sorted(questions, key=lambda q: q.timestamp):
        if question.text.strip():
            by_wording.setdefault(_normal(question.text), []).append(question)
    wordings = list(by_wording)
    groups: Dict[int, List[str]] = {}
    for wording, label in zip(wordings, _labels(wordings)):
        groups.setdefault(label, []).append(wording)
    clusters = []
    for members in groups.values():
        members.sort(key=lambda w: (-len(by_wording[w]), by_wording[w][0].timestamp))
        asked = [q for w in members for q in by_wording[w]]
        clusters.append(
            Cluster(
                size=len(asked),
                examples=[by_wording[w][0].text for w in members[:MAX_EXAMPLES]],
                kinds=Counter(q.kind for q in asked),
                questions=asked,
            )
        )
    clusters.sort(key=lambda c: (-c.size, min(q.timestamp for q in c.questions)))
    return clusters


def cluster_by_language(questions: Sequence[Question]) -> List[Cluster]:
    """The groups of each language apart, English first (``contract.LANGUAGES``): a Spanish
    question is never grouped with an English one, since its training examples go to another
    file (data/nlu/es/) and its reader may be another person."""
    groups: List[Cluster] = []
    for language in LANGUAGES:
        for group in cluster([q for q in questions if q.language == language]):
            group.language = language
            groups.append(group)
    return groups
