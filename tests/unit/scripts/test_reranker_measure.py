"""The reranker rules measured for issue 19: each keeps the pipeline's answer where it should
and moves only where the reranker's reading of the topics' own text says so."""

from __future__ import annotations

from scripts.reranker_measure import agree, answered, mix, top_topics, veto


def _ranking(*pairs):
    return [{"name": name, "confidence": conf} for name, conf in pairs]


UNSURE = _ranking(("ask_cost", 0.45), ("ask_voluntary", 0.30), ("out_of_scope", 0.25))
SURE = _ranking(("ask_cost", 0.80), ("ask_voluntary", 0.15), ("out_of_scope", 0.05))


def test_the_threshold_alone_answers_a_sure_topic_and_declines_an_unsure_one():
    assert answered(SURE) == "cost"
    assert answered(UNSURE) is None
    assert answered(_ranking(("out_of_scope", 0.9))) is None
    assert answered(_ranking(("nlu_fallback", 1.0), ("ask_cost", 0.7))) == "cost"
    assert answered(_ranking(("ask_cost", 0.62), ("ask_voluntary", 0.60))) is None  # too close


def test_only_topics_among_the_first_three_are_read():
    ranking = UNSURE + _ranking(("ask_privacy", 0.01))
    assert top_topics(ranking, {"cost": 0.8, "voluntary": 0.7, "privacy": 0.9}) == [
        "cost",
        "voluntary",
    ]


def test_agreement_answers_an_unsure_topic_the_reranker_puts_first_by_the_margin():
    assert agree(UNSURE, {"cost": 0.85, "voluntary": 0.80}, low=0.3, margin=0.02) == "cost"
    assert agree(UNSURE, {"cost": 0.81, "voluntary": 0.80}, low=0.3, margin=0.02) is None
    assert agree(UNSURE, {"cost": 0.70, "voluntary": 0.80}, low=0.3, margin=0.0) is None
    assert agree(UNSURE, {"cost": 0.85, "voluntary": 0.80}, low=0.5, margin=0.0) is None
    assert agree(SURE, {"cost": 0.10, "voluntary": 0.90}, low=0.3, margin=0.0) == "cost"


def test_a_veto_declines_an_answer_only_when_another_top_topic_reads_closer():
    assert veto(SURE, {"cost": 0.80, "voluntary": 0.85}, margin=0.02) is None
    assert veto(SURE, {"cost": 0.80, "voluntary": 0.81}, margin=0.02) == "cost"
    assert veto(SURE, {"cost": 0.90, "voluntary": 0.80}, margin=0.0) == "cost"
    assert veto(UNSURE, {"cost": 0.90, "voluntary": 0.80}, margin=0.0) is None


def test_mixing_moves_confidence_towards_the_topic_the_reranker_prefers():
    close = _ranking(("ask_cost", 0.58), ("ask_voluntary", 0.30), ("out_of_scope", 0.12))
    assert mix(close, {"cost": 0.90, "voluntary": 0.70}, weight=0.2, tau=0.01) == "cost"
    assert mix(SURE, {"cost": 0.70, "voluntary": 0.90}, weight=0.5, tau=0.01) is None
    assert mix(SURE, {"cost": 0.70, "voluntary": 0.90}, weight=0.0, tau=0.01) == "cost"
