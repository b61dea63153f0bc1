"""Choose the FallbackClassifier threshold from held-out data, not by guessing.

Splits our own NLU examples (80/20 per intent, fixed seed), trains the NLU pipeline on
the 80 %, and for each candidate threshold counts, on the held-out 20 %:
  correct  - a topic question answered with the right topic,
  wrong    - answered with the wrong topic, or an out-of-scope question answered with a topic,
  declined - below the threshold, or not routed to a topic (the assistant asks or declines).
It recommends the lowest threshold at which both kinds of wrong answer stay under
--max-wrong: topic questions answered with the wrong topic (share of topic questions) and
out-of-scope questions answered with a topic (share of out-of-scope questions). Wrong
answers stay rare while the assistant declines as little as possible.

Usage: python scripts/choose_threshold.py [--max-wrong 0.05] [--seed 42] [--save rows.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

from actions.followups import TOPIC_INTENT_PREFIX as TOPIC_PREFIX
from contract.intents import NLU_FALLBACK
from scripts.nlu_files import write_by_language

ROOT = Path(__file__).resolve().parent.parent


def _prediction(parse: dict) -> Tuple[str, float, float]:
    """Top intent, its confidence and the margin to the runner-up, ignoring nlu_fallback."""
    ranking = [r for r in parse.get("intent_ranking", []) if r["name"] != NLU_FALLBACK]
    top, second = ranking[0], (ranking[1] if len(ranking) > 1 else {"confidence": 0.0})
    return top["name"], top["confidence"], top["confidence"] - second["confidence"]


def evaluate(rows: List[Tuple[str, str, float, float]], threshold: float, ambiguity: float):
    """(correct, wrong_topic, declined, oos_answered, n_topic, n_oos) at one threshold.

    Judged as the evaluation client judges a reply: only a topic answer counts as an
    answer; a topic question routed to chit-chat or out-of-scope is a decline.
    """
    correct = wrong = declined = oos_answered = n_topic = n_oos = 0
    for gold, predicted, confidence, margin in rows:
        gold_topic = gold.startswith(TOPIC_PREFIX)
        if not gold_topic and gold != "out_of_scope":
            continue
        n_topic += gold_topic
        n_oos += not gold_topic
        answered = (
            confidence >= threshold and margin >= ambiguity and predicted.startswith(TOPIC_PREFIX)
        )
        if not answered:
            declined += gold_topic
        elif not gold_topic:
            oos_answered += 1
        elif predicted == gold:
            correct += 1
        else:
            wrong += 1
    return correct, wrong, declined, oos_answered, n_topic, n_oos


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-wrong", type=float, default=0.05)
    ap.add_argument("--ambiguity", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--save", help="write the held-out predictions here (JSON)")
    ap.add_argument("--config", default=str(ROOT / "config.yml"))
    args = ap.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    os.chdir(ROOT)  # config.yml names the spaCy pipeline by a path relative to the repo
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    train, held_out = data.train_test_split(train_frac=0.8, random_seed=args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "nlu"
        data_dir.mkdir()
        write_by_language(train.training_examples, train, data_dir)
        model = train_nlu(args.config, str(data_dir), tmp, fixed_model_name="holdout")
        agent = Agent.load(model)

        async def parse_all():
            return [await agent.parse_message(m.get("text")) for m in held_out.intent_examples]

        parses = asyncio.run(parse_all())
    rows = [(m.get("intent"), *_prediction(p)) for m, p in zip(held_out.intent_examples, parses)]

    if args.save:
        Path(args.save).write_text(json.dumps(rows), encoding="utf-8")
    top1 = sum(gold == predicted for gold, predicted, _, _ in rows) / len(rows)
    print(
        f"held-out examples: {len(rows)} (seed {args.seed}); top-1 intent accuracy {top1:.1%}; "
        f"ambiguity margin {args.ambiguity}"
    )
    print("threshold  topic: correct  wrong  declined   out-of-scope answered   all wrong answers")
    best = None
    for step in range(4, 19):
        threshold = step * 0.05
        correct, wrong, declined, oos_answered, n_topic, n_oos = evaluate(
            rows, threshold, args.ambiguity
        )
        wrong_rate = (wrong + oos_answered) / (n_topic + n_oos)
        print(
            f"  {threshold:4.2f}          {correct / n_topic:6.1%} {wrong / n_topic:6.1%}  "
            f"{declined / n_topic:6.1%}        {oos_answered / n_oos:6.1%}"
            f"                {wrong_rate:5.1%}"
        )
        if (
            best is None
            and wrong / n_topic <= args.max_wrong
            and oos_answered / n_oos <= args.max_wrong
        ):
            best = threshold
    if best is None:
        print(f"no threshold keeps wrong answers under {args.max_wrong:.0%}")
        return 1
    print(
        f"recommended FallbackClassifier threshold: {best:.2f} (lowest with topic questions "
        f"answered wrong and out-of-scope questions answered each <= {args.max_wrong:.0%})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
