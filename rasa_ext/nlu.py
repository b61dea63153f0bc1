"""Rasa's NLU-component internals we touch: ``Featurizer._identifier`` (read).

Why: the MiniLM featurizer (``nlu_components/minilm_featurizer.py``) adds its sentence
features itself, in one batch for all messages, instead of through
``Featurizer.add_features_to_message``; the features must carry the same origin name
(the ``alias`` from config.yml, else the component's name) that Rasa sets in
``Featurizer.__init__``, so that policies and classifiers find them.
"""

from __future__ import annotations

from typing import Text

from rasa.nlu.featurizers.featurizer import Featurizer


def feature_origin(featurizer: Featurizer) -> Text:
    """The origin name Rasa gives this featurizer's features (its alias or node name)."""
    return featurizer._identifier
