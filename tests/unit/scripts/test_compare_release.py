"""compare_release's split of the training time by component, read from Rasa's log."""

from __future__ import annotations

from scripts.compare_release import component_seconds

HOOKS = "INFO     rasa.engine.training.hooks  -"
LOG = "\n".join(
    [
        f"2026-12-07 16:30:17 {HOOKS} Restored component 'CountVectorsFeaturizer' from cache.",
        f"2026-12-07 16:30:50 {HOOKS} Starting to train component 'LogisticIntentClassifier'.",
        "2026-12-07 16:30:51 INFO     rasa.nlu.utils.spacy_utils  - Trying to load SpaCy model.",
        f"2026-12-07 16:31:28 {HOOKS} Finished training component 'LogisticIntentClassifier'.",
        f"2026-12-07 16:31:28 {HOOKS} Starting to train component 'SpanishIntentClassifier'.",
        f"2026-12-07 16:34:11 {HOOKS} Finished training component 'SpanishIntentClassifier'.",
        f"2026-12-07 16:34:11 {HOOKS} Starting to train component 'RulePolicy'.",
    ]
)


def test_each_trained_component_gets_the_seconds_between_its_two_lines():
    assert component_seconds(LOG) == {
        "LogisticIntentClassifier": 38.0,
        "SpanishIntentClassifier": 163.0,
    }


def test_a_component_restored_from_cache_or_never_finished_takes_no_time():
    seconds = component_seconds(LOG)
    assert "CountVectorsFeaturizer" not in seconds and "RulePolicy" not in seconds
    assert component_seconds("rasa train failed before any component") == {}
