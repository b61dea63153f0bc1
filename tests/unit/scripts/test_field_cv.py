"""The leave-sites-out cross-validation's parts: whole sites per fold, near copies of a
fold's questions left out of its training data, replies judged as score.py judges them."""

from __future__ import annotations

from scripts.field_benchmark import load, site_group
from scripts.field_cv import decide, folds_by_site, judge, normalised, taken_from


def test_folds_keep_each_site_whole_and_cover_the_train_half():
    rows = [r for r in load() if r["split"] == "train"]
    folds = folds_by_site(rows, 5)
    assert sorted(r["id"] for f in folds for r in f) == sorted(r["id"] for r in rows)
    sites = [{site_group(r["site"]) for r in f} for f in folds]
    assert all(not (a & b) for i, a in enumerate(sites) for b in sites[i + 1 :])
    assert all(folds)


def test_a_shortened_copy_is_left_out_and_an_unrelated_example_is_kept():
    question = normalised(
        "My son has autism and the district keeps cutting his speech minutes. We were "
        "offered mediation last week. Is the agreement we sign binding on the district?"
    )
    assert taken_from(
        "My son has autism and the district keeps cutting his speech minutes", [question]
    )
    assert taken_from("Is the agreement we sign binding on the district", [question])
    assert not taken_from("how much does mediation cost", [question])
    assert not taken_from("binding?", [question])


def test_replies_are_judged_like_the_evaluation_client():
    answered = {
        "intent_ranking": [
            {"name": "ask_cost", "confidence": 0.9},
            {"name": "ask_voluntary", "confidence": 0.05},
        ]
    }
    unsure = {
        "intent_ranking": [
            {"name": "ask_cost", "confidence": 0.5},
            {"name": "ask_voluntary", "confidence": 0.3},
        ]
    }
    assert decide(answered, 0.6) == "cost" and decide(unsure, 0.6) is None
    assert judge("cost|benefit_low_cost", "cost") == "correct"
    assert judge("voluntary", "cost") == "wrong"
    assert judge("voluntary", None) == "declined"
    assert judge("out_of_scope", None) == "correct"
    assert judge("out_of_scope|cost", "cost") == "correct"
    assert judge("out_of_scope", "cost") == "wrong"
