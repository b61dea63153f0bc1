"""A subset of the NLU data written for a throwaway model keeps each example's language."""

from __future__ import annotations

from collections import Counter

from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.languages import example_language
from scripts.nlu_files import write_by_language

SPANISH = {"metadata": {"intent": {"language": "es"}}}


def test_an_intent_with_examples_in_both_languages_keeps_each_language(tmp_path):
    examples = [
        Message(data={TEXT: "si, borra todo", INTENT: "confirm_erase", **SPANISH}),
        Message(data={TEXT: "yes, delete it", INTENT: "confirm_erase"}),
        Message(data={TEXT: "go ahead and erase everything", INTENT: "confirm_erase"}),
        Message(data={TEXT: "la mediacion es gratis", INTENT: "ask_cost", **SPANISH}),
        Message(data={TEXT: "is mediation free", INTENT: "ask_cost"}),
    ]
    written = write_by_language(examples, TrainingData(), tmp_path)
    assert [p.name for p in written] == ["nlu_en.yml", "nlu_es.yml"]
    read = load_data(str(tmp_path))
    languages = {m.get(TEXT): example_language(m.data) for m in read.intent_examples}
    assert languages == {m.get(TEXT): example_language(m.data) for m in examples}
    assert Counter(languages.values()) == {"en": 3, "es": 2}
