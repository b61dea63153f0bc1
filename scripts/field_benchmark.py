"""The field benchmark (eval/field/questions.tsv, questions_es.tsv): parents' own questions,
scored by site half; and our own paraphrases (eval/field/paraphrases.tsv), reported apart.

Each half (``train``: may be learned from; ``heldout``: never trained or tuned on) is written
as a plain TSV and scored with the team's own client (``../shared/eval/score.py``) against a
running assistant, as any client would; the held-out half is also scored on its ``real``
questions alone (written by parents, not by an FAQ page's author).

Usage: python scripts/field_benchmark.py --url http://localhost:5005 [--eval-dir ../shared/eval]
``scripts/benchmark.py`` (``make benchmark``) calls ``score_field`` with its own servers.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
FIELD = ROOT / "eval" / "field" / "questions.tsv"
FIELD_ES = ROOT / "eval" / "field" / "questions_es.tsv"
PARAPHRASES = ROOT / "eval" / "field" / "paraphrases.tsv"
LANGS = ("en", "es")
SPLITS = ("heldout", "train")
KINDS = ("real", "faq", "paraphrase")


def load(path: Path = FIELD) -> List[Dict[str, str]]:
    """The rows, without the header comment (lines starting with "#")."""
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def site_group(host: str) -> str:
    """The registered domain a site belongs to: both halves never share one."""
    parts = host.lower().removeprefix("www.").split(".")
    if (
        len(parts) >= 3
        and parts[-1] in ("us", "uk")
        and parts[-2] in ("state", "k12", "co", "gov", "org", "ac")
    ):
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def write_questions(rows: Iterable[Dict[str, str]], path: Path) -> int:
    """``rows`` as score.py reads them (id, question, accept); how many."""
    rows = list(rows)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter="\t", lineterminator="\n")
        writer.writerow(["id", "question", "accept"])
        writer.writerows([r["id"], r["question"], r["accept"]] for r in rows)
    return len(rows)


def score_field(url: str, eval_dir: Path, work: Optional[Path] = None) -> None:
    """Print score.py's figures for the held-out half, its real questions, and the train
    half, in English (questions.tsv) and in Spanish (questions_es.tsv); then our
    paraphrases' halves in each language, apart."""
    score = eval_dir / "score.py"
    if not score.exists():
        print(f"field benchmark: skipped, no score.py in {eval_dir}")
        return
    work = work or Path(tempfile.mkdtemp(prefix="iep-field-"))
    sets = [(FIELD, label, subset) for label, subset in _subsets(load(FIELD))]
    sets += [(FIELD_ES, label, subset) for label, subset in _subsets(load(FIELD_ES))[::2]]
    sets += _paraphrase_sets(load(PARAPHRASES))
    for number, (field, label, subset) in enumerate(sets):
        path = work / f"field_{number}.tsv"
        count = write_questions(subset, path)
        origin = "ours" if field == PARAPHRASES else f"from {_sites(subset)} sites"
        print(f"field benchmark, {label} ({count} questions {origin}, {field.name}):")
        sys.stdout.flush()
        result = subprocess.run(
            [sys.executable, str(score), "--url", url, "--questions", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        for line in result.stdout.splitlines():
            if line.startswith("  "):  # the in-scope and out-of-scope lines
                print(line)


def _sites(rows: List[Dict[str, str]]) -> int:
    return len({site_group(r["site"]) for r in rows})


def _paraphrase_sets(rows: List[Dict[str, str]]) -> List[Tuple[Path, str, List[Dict[str, str]]]]:
    """Our paraphrases' held-out and train halves, per language."""
    return [
        (PARAPHRASES, f"our paraphrases ({lang}), {split} half", subset)
        for lang in LANGS
        for split in SPLITS
        if (subset := [r for r in rows if r["lang"] == lang and r["split"] == split])
    ]


def _subsets(rows: List[Dict[str, str]]) -> List[Tuple[str, List[Dict[str, str]]]]:
    """The held-out half (exposed rows left out), its real questions, and the train half."""
    held_out = [r for r in rows if r["split"] == "heldout" and r.get("exposed") != "yes"]
    return [
        ("held-out half (never trained on; exposed rows left out)", held_out),
        (
            "held-out half, real parents' questions only",
            [r for r in held_out if r["kind"] == "real"],
        ),
        ("train half", [r for r in rows if r["split"] == "train"]),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5005")
    parser.add_argument("--eval-dir", default=str(ROOT.parent / "shared" / "eval"))
    args = parser.parse_args()
    score_field(args.url, Path(args.eval_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
