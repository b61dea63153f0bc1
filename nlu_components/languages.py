"""Which language a training example or a message is in (Rasa-free, shared by the NLU
components and the tests).

Spanish training examples are intent blocks with ``metadata: {language: es}``
(``data/nlu/es/``); every other example is English. The English classifier learns from the
English ones only, the Spanish classifier from the Spanish ones (docs/nlu.md: one model
per language behind a router). At run time ``LanguageDetector`` names a message's
language only when it is sure; a short or mixed message ("ok", "si", "IEP") names none,
and the conversation keeps its language.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Mapping, Optional

from contract import ENGLISH, LANGUAGE, SPANISH

LANGUAGES = (ENGLISH, SPANISH)
LANGUAGE_ENTITY = LANGUAGE  # the entity the detector adds; the `language` slot is filled from it
# Below this many letters a message says too little to tell its language.
MIN_LETTERS = 12
MIN_WORDS = 3

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


def example_language(data: Mapping[str, Any]) -> str:
    """The language of a training example, from its intent block's metadata."""
    metadata = data.get("metadata") or {}
    intent_metadata = metadata.get("intent") if isinstance(metadata, dict) else None
    language = intent_metadata.get("language") if isinstance(intent_metadata, dict) else None
    return language if language in LANGUAGES else ENGLISH


def long_enough(text: str) -> bool:
    """Whether a message says enough to tell its language."""
    return len(_LETTERS.findall(text)) >= MIN_LETTERS and len(_WORDS.findall(text)) >= MIN_WORDS


def fold(text: str) -> str:
    """Lower case without accents: parents write "mediacion" as often as "mediación"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def sure_language(probability_spanish: float, sure: float) -> Optional[str]:
    """ "es" or "en" when the detector is at least ``sure`` of it, else None."""
    if probability_spanish >= sure:
        return SPANISH
    if probability_spanish <= 1.0 - sure:
        return ENGLISH
    return None
