"""Leave-sites-out cross-validation on the field benchmark's train half.

The held-out half may never be tuned on, and our own 80/20 split is our own phrasing. To
compare NLU choices on real phrasing from sites a model has not seen, this splits the train
half's sites into folds; for each fold it drops from the training data the examples taken
from that fold's questions (near copies: the train half was added to data/nlu, shortened),
trains the NLU on the rest, and parses the fold's questions. Judged as
``../shared/eval/score.py`` judges a reply: a topic intent answers its topic, anything else
declines. Prints totals for a range of fallback thresholds.

Usage: python scripts/field_cv.py [--config config.yml] [--folds 5] [--parses out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from contract.intents import NLU_FALLBACK
from knowledge_base.intents import TOPIC_INTENT_PREFIX
from scripts.choose_threshold import _prediction
from scripts.field_benchmark import load, site_group
from scripts.nlu_files import write_by_language

ROOT = Path(__file__).resolve().parent.parent

NO_TOPIC = {"out_of_scope", "greet", "goodbye", "thanks", "bot_challenge", "help", "chitchat"}
THRESHOLDS = (0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


def normalised(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def folds_by_site(rows: List[Dict[str, str]], folds: int) -> List[List[Dict[str, str]]]:
    """Whole sites per fold, largest first onto the lightest fold (deterministic)."""
    groups: Dict[str, List[Dict[str, str]]] = {}
    for row in rows:
        groups.setdefault(site_group(row["site"]), []).append(row)
    out: List[List[Dict[str, str]]] = [[] for _ in range(folds)]
    for _, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        min(out, key=len).extend(members)
    return out


def taken_from(example: str, questions: Sequence[str]) -> bool:
    """The training example is (a shortened) copy of one of the questions."""
    e = normalised(example)
    if len(e) < 12:
        return any(e == q for q in questions)
    for q in questions:
        if len(e) >= 30 and (e[:60] in q or q[:60] in e):
            return True
        if difflib.SequenceMatcher(None, e, q[: len(e) + 20]).ratio() >= 0.8:
            return True
    return False


def decide(parse: dict, threshold: float, ambiguity: float = 0.05) -> Optional[str]:
    """The topic answered at ``threshold``, or None (declined): ``choose_threshold``'s rule."""
    if not any(r["name"] != NLU_FALLBACK for r in parse.get("intent_ranking", [])):
        return None
    predicted, confidence, margin = _prediction(parse)
    if (
        predicted.startswith(TOPIC_INTENT_PREFIX)
        and confidence >= threshold
        and margin >= ambiguity
    ):
        return predicted[len(TOPIC_INTENT_PREFIX) :]
    return None


def judge(accept: str, topic: Optional[str]) -> str:
    wanted = set(accept.split("|"))
    if wanted & NO_TOPIC:
        return "correct" if topic is None or topic in wanted else "wrong"
    if topic is None:
        return "declined"
    return "correct" if topic in wanted else "wrong"


def summary(results: List[Tuple[str, str]]) -> str:
    ins = [v for a, v in results if not set(a.split("|")) & NO_TOPIC]
    oos = [v for a, v in results if set(a.split("|")) & NO_TOPIC]

    def pct(n: int, d: int) -> str:
        return f"{100.0 * n / d:5.1f}%" if d else "  -  "

    return (
        f"in-scope n={len(ins)} correct {pct(ins.count('correct'), len(ins))} "
        f"wrong {pct(ins.count('wrong'), len(ins))} declined {pct(ins.count('declined'), len(ins))}"
        f" | out-of-scope n={len(oos)} declined {pct(oos.count('correct'), len(oos))}"
    )


def cache_embeddings() -> None:
    """Embed each text once across folds (the folds share almost all their examples)."""
    from nlu_components.minilm import MiniLMEncoder

    original = MiniLMEncoder._encode_many
    memo: Dict[str, object] = {}

    def encode_many(self, texts, batch_size):  # type: ignore[no-untyped-def]
        import numpy as np

        missing = [t for t in dict.fromkeys(texts) if t not in memo]
        if missing:
            for text, row in zip(missing, original(self, missing, batch_size)):
                memo[text] = row
        return np.stack([memo[t] for t in texts]) if texts else original(self, texts, batch_size)

    MiniLMEncoder._encode_many = encode_many  # type: ignore[method-assign]


async def parse_all(agent: object, rows: List[Dict[str, str]]) -> List[dict]:
    return [await agent.parse_message(r["question"]) for r in rows]  # type: ignore[attr-defined]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default=str(ROOT / "config.yml"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--parses", help="write each question's parse here (JSON, by id)")
    args = ap.parse_args()

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    logging.disable(logging.WARNING)
    os.chdir(ROOT)  # config.yml names the spaCy pipeline by a path relative to the repo
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.shared.nlu.training_data.loading import load_data

    cache_embeddings()
    data = load_data(str(ROOT / "data" / "nlu"))
    rows = [r for r in load() if r["split"] == "train"]
    parses: Dict[str, dict] = {}
    for number, fold in enumerate(folds_by_site(rows, args.folds), 1):
        questions = [normalised(r["question"]) for r in fold]
        kept = [m for m in data.training_examples if not taken_from(m.get("text") or "", questions)]
        print(
            f"fold {number}: {len(fold)} questions, "
            f"{len(data.training_examples) - len(kept)} training examples left out",
            flush=True,
        )
        with tempfile.TemporaryDirectory() as tmp:
            data_dir = Path(tmp) / "nlu"
            data_dir.mkdir()
            write_by_language(kept, data, data_dir)
            model = train_nlu(args.config, str(data_dir), tmp, fixed_model_name="fold")
            for row, parse in zip(fold, asyncio.run(parse_all(Agent.load(model), fold))):
                parses[row["id"]] = parse
    if args.parses:  # for measuring a rule over the parses without training again
        Path(args.parses).write_text(json.dumps(parses, default=float), encoding="utf-8")
    print(f"train half, {args.folds} folds by site ({len(rows)} questions), config {args.config}:")
    for threshold in THRESHOLDS:
        results = [
            (r["accept"], judge(r["accept"], decide(parses[r["id"]], threshold))) for r in rows
        ]
        real = [res for res, r in zip(results, rows) if r["kind"] == "real"]
        print(f"  threshold {threshold:.2f}: {summary(results)}")
        print(f"        real only: {summary(real)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
