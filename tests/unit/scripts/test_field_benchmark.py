"""The field benchmark's data (eval/field/questions.tsv, and questions_es.tsv in Spanish):
well-formed, split by site, and a held-out half that no training example comes close to; and
our paraphrases (paraphrases.tsv), held to the same."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path
from typing import List, Set, Tuple

import pytest
import yaml

from knowledge_base import default as default_kb
from scripts.field_benchmark import (
    FIELD,
    FIELD_ES,
    KINDS,
    LANGS,
    PARAPHRASES,
    SPLITS,
    _paraphrase_sets,
    load,
    site_group,
)

ROOT = Path(__file__).resolve().parents[3]
ROWS = load()
ROWS_ES = load(FIELD_ES)
PARAPHRASE_ROWS = load(PARAPHRASES)
# Held-out questions this close to a training example (difflib's ratio on normalised text:
# 0.9 is a word or two changed in a short question, a few typos in a long one) would measure
# memory, not understanding.
MAX_SIMILARITY = 0.9


def normalised(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # Rasa's [entity](type) markup
    return " ".join(re.sub(r"[^\w ]", " ", text.lower()).split())


def training_examples(rows: List[dict] = ROWS) -> List[str]:
    """Every NLU example in data/nlu/ (both languages), and the train half of ``rows``."""
    examples = []
    for path in sorted((ROOT / "data" / "nlu").glob("**/*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                if line.strip().startswith("- "):
                    examples.append(line.strip()[2:])
    examples += [r["question"] for r in rows if r["split"] == "train"]
    return examples


def test_there_are_enough_questions_and_enough_to_decline():
    assert len(ROWS) >= 150
    assert sum(r["accept"] == "out_of_scope" for r in ROWS) >= 0.25 * len(ROWS)
    assert sum(r["kind"] == "real" for r in ROWS) >= 100


def test_the_spanish_set_has_questions_to_answer_and_to_decline():
    assert len(ROWS_ES) >= 50
    assert 5 <= sum("out_of_scope" not in r["accept"] for r in ROWS_ES)
    assert sum(r["accept"] == "out_of_scope" for r in ROWS_ES) >= 0.25 * len(ROWS_ES)


@pytest.mark.parametrize("rows", [ROWS, ROWS_ES], ids=[FIELD.name, FIELD_ES.name])
def test_every_row_is_well_formed_and_labelled_with_known_topics(rows):
    topics = {topic.id for topic in default_kb().topics.values()}
    ids = Counter(r["id"] for r in rows)
    assert [i for i, n in ids.items() if n > 1] == []
    for row in rows:
        labels = row["accept"].split("|")
        assert set(labels) <= topics | {"out_of_scope"}, row["id"]
        assert row["kind"] in KINDS and row["split"] in SPLITS, row["id"]
        assert row["url"].startswith(("http://", "https://")) and row["site"], row["id"]
        assert row["question"].strip() and "\t" not in row["question"], row["id"]
        assert row["exposed"] in ("", "yes") and not (row["exposed"] and row["split"] == "train")


@pytest.mark.parametrize("rows", [ROWS, ROWS_ES], ids=[FIELD.name, FIELD_ES.name])
def test_the_halves_share_no_site_and_are_of_similar_size(rows):
    halves = {
        split: {site_group(r["site"]) for r in rows if r["split"] == split} for split in SPLITS
    }
    assert halves["train"] & halves["heldout"] == set()
    sizes = Counter(r["split"] for r in rows)
    assert 0.35 <= sizes["heldout"] / len(rows) <= 0.65


@pytest.mark.parametrize(
    "rows, dev_file",
    [(ROWS, "dev_questions.tsv"), (ROWS_ES, "dev_questions_es.tsv")],
    ids=[FIELD.name, FIELD_ES.name],
)
def test_no_question_is_in_the_dev_set(rows, dev_file):
    if not (ROOT.parent / "shared" / "eval" / dev_file).exists():
        pytest.skip("no ../shared/eval next to this checkout")
    asked = dev_questions(dev_file)
    assert [r["id"] for r in rows if normalised(r["question"]) in asked] == []


def dev_questions(dev_file: str) -> Set[str]:
    """The normalised questions of ../shared/eval's ``dev_file`` (none where it is absent)."""
    dev = ROOT.parent / "shared" / "eval" / dev_file
    if not dev.exists():
        return set()
    lines = dev.read_text(encoding="utf-8").splitlines()[1:]
    return {normalised(line.split("\t")[1]) for line in lines}


def close_pairs(questions: List[str], examples: List[str]) -> List[Tuple[str, str]]:
    """(question, example) pairs whose normalised texts are within ``MAX_SIMILARITY``."""
    examples = [normalised(e) for e in examples]
    close = []
    for question in questions:
        matcher = difflib.SequenceMatcher(None, b=normalised(question), autojunk=False)
        for example in examples:
            matcher.set_seq1(example)
            if (
                matcher.real_quick_ratio() > MAX_SIMILARITY
                and matcher.quick_ratio() > MAX_SIMILARITY
                and matcher.ratio() > MAX_SIMILARITY
            ):
                close.append((question, example))
    return close


@pytest.mark.parametrize("rows", [ROWS, ROWS_ES], ids=[FIELD.name, FIELD_ES.name])
def test_no_held_out_question_is_close_to_a_training_example(rows):
    held_out = [r["question"] for r in rows if r["split"] == "heldout"]
    assert close_pairs(held_out, training_examples(rows)) == []


def test_the_closeness_check_finds_a_question_copied_with_a_typo():
    held_out = [r["question"] for r in ROWS if r["split"] == "heldout"][:5]
    longest = max(held_out, key=len)
    copied = longest.replace("e", "3", 1) + " ??"
    assert [q for q, _ in close_pairs(held_out, ["is mediation free?", copied])] == [longest]


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("village.adayinourshoes.com", "forums.adayinourshoes.com", True),
        ("www.autismweb.org", "autismweb.org", True),
        ("community.autism.org.uk", "sossen.org.uk", False),
        ("www.schools.nyc.gov", "www.p12.nysed.gov", False),
        ("cde.k12.ca.us", "www.doe.k12.ga.us", False),
    ],
)
def test_a_site_group_is_the_registered_domain(one, other, same):
    assert (site_group(one) == site_group(other)) is same


def test_our_paraphrases_are_well_formed_and_split_in_halves_per_language():
    topics = {topic.id for topic in default_kb().topics.values()}
    ids = Counter(r["id"] for r in PARAPHRASE_ROWS)
    assert [i for i, n in ids.items() if n > 1] == []
    for row in PARAPHRASE_ROWS:
        assert row["lang"] in LANGS and row["split"] in SPLITS, row["id"]
        assert set(row["accept"].split("|")) <= topics | {"out_of_scope"}, row["id"]
        assert row["question"].strip() and "\t" not in row["question"], row["id"]
    for lang in LANGS:
        rows = [r for r in PARAPHRASE_ROWS if r["lang"] == lang]
        held_out = sum(r["split"] == "heldout" for r in rows)
        assert len(rows) >= 50 and 0.35 <= held_out / len(rows) <= 0.65, lang
        assert sum(r["accept"] == "out_of_scope" for r in rows) >= 0.25 * len(rows), lang


def test_no_held_out_paraphrase_is_close_to_a_training_example():
    examples = training_examples(ROWS) + [r["question"] for r in ROWS_ES if r["split"] == "train"]
    examples += [r["question"] for r in PARAPHRASE_ROWS if r["split"] == "train"]
    held_out = [r["question"] for r in PARAPHRASE_ROWS if r["split"] == "heldout"]
    assert close_pairs(held_out, examples) == []


def test_no_paraphrase_is_a_field_or_dev_question():
    asked = {normalised(r["question"]) for r in ROWS + ROWS_ES}
    asked |= dev_questions("dev_questions.tsv") | dev_questions("dev_questions_es.tsv")
    assert [r["id"] for r in PARAPHRASE_ROWS if normalised(r["question"]) in asked] == []


def test_the_benchmark_scores_each_paraphrase_half_apart():
    sets = _paraphrase_sets(PARAPHRASE_ROWS)
    assert [label for _, label, _ in sets] == [
        f"our paraphrases ({lang}), {split} half" for lang in LANGS for split in SPLITS
    ]
    scored = [r["id"] for _, _, subset in sets for r in subset]
    assert sorted(scored) == sorted(r["id"] for r in PARAPHRASE_ROWS)
