"""Write a subset of our NLU data to files Rasa reads back with each example's language.

Rasa's YAML writer puts all examples of an intent in one block under the metadata of the
first: a split of data/nlu written to one file made every English example Spanish (the
block of ``confirm_erase`` opens with "si, borra todo"), and the English classifier then
trained on four examples. One file per language keeps every block one language.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.languages import LANGUAGES, example_language


def write_by_language(
    examples: Sequence[Message], data: TrainingData, directory: Path
) -> List[Path]:
    """``examples`` (some of ``data``'s, with its synonyms, regexes and lookup tables) in
    ``directory``/nlu_<language>.yml, one file per language."""
    written = []
    for language in LANGUAGES:
        chosen = [m for m in examples if example_language(m.data) == language]
        if not chosen:
            continue
        subset = TrainingData(
            training_examples=chosen,
            entity_synonyms=data.entity_synonyms,
            regex_features=data.regex_features,
            lookup_tables=data.lookup_tables,
        )
        path = directory / f"nlu_{language}.yml"
        path.write_text(subset.nlu_as_yaml(), encoding="utf-8")
        written.append(path)
    return written
