"""Which language a training example or a message is in (Rasa-free, shared by the NLU
components and the tests).

Spanish training examples are intent blocks with ``metadata: {language: es}``
(``data/nlu/es/``); every other example is English. The English classifier learns from the
English ones only, the Spanish classifier from the Spanish ones (docs/nlu.md: one model
per language behind a router). At run time ``LanguageDetector`` names a message's
language only when it is sure; a short or mixed message ("ok", "si", "IEP") names none,
and the conversation keeps its language. A short message of two or more words that all
belong to one language only ("es gratis?", "cuanto cuesta") names that language.
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


# Greetings and thanks that parents borrow from the other language ("thank you" in a
# Spanish chat, "hola" in an English one): alone, they say nothing of the language.
_COURTESY_WORDS = frozenset(
    "hi hello hey thanks thank you please bye hola buenas buenos dias tardes noches gracias "
    "adios".split()
)


def short_and_clear(text: str) -> Optional[str]:
    """ "es" or "en" for a message too short for the detector whose two or more words all
    belong to that language only ("es gratis?", "is it free?"), else None ("ok", "si",
    "IEP meeting", "ok gracias", and greetings or thanks alone: "thank you", "buenas
    noches"). A parent whose chat began in English with "hi" and who goes on with
    "cuanto cuesta?" means Spanish; one who says "thank you" in a Spanish chat does not
    mean English."""
    words = _WORDS.findall(fold(text))
    if len(words) < 2 or all(word in _COURTESY_WORDS for word in words):
        return None
    if all(word in _SPANISH_WORDS for word in words):
        return SPANISH
    if all(word in _ENGLISH_WORDS for word in words):
        return ENGLISH
    return None


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


# --- A first message's language, before NLU has read it --------------------------------
# Rasa starts a conversation (and sends the notice) before it parses the first message,
# so the notice's language cannot come from the detector. The channels hand a hint over in
# the message's metadata instead: the client's own setting (the widget's language,
# Telegram's language_code) under ``language``, or else a guess from the words under
# ``language_guess`` (a wrong guess costs one notice in the other language; the detector
# decides every answer).
LANGUAGE_GUESS = "language_guess"

# Frequent words that belong to one language only (accents folded). Words both languages
# use ("a", "no", "me", "son", "con", "pan"...) are left out.
_SPANISH_WORDS = frozenset(
    "hola buenas buenos dias tardes noches gracias necesito ayuda ayudar quiero puedo puede "
    "pueden tengo tiene tienen hijo hija hijos ninos nino nina escuela distrito mediacion "
    "mediador reunion derechos abogado gratis cuesta cuanto cuando donde quien cual como "
    "que porque por para los las del una unos unas es esta estoy estan hay pero tambien "
    "muy mas sobre mi mis su sus nuestro usted ustedes yo ellos nos lo le les se el la y "
    "de en al ser hacer saber pasa si eso esto aqui ahora todavia nada algo sin entre".split()
)
_ENGLISH_WORDS = frozenset(
    "hi hello hey thanks thank please the is are was were be been of to and in my our your "
    "what how can could do does did for with it if have has had will would should school "
    "district child son daughter kid kids mediation mediator meeting rights lawyer free "
    "cost when where who which why that this there about from not you we they i am help "
    "need want know get go happens".split()
)


def guess_language(text: str) -> Optional[str]:
    """ "es" or "en" when a message's words lean clearly one way, else None ("ok", "IEP")."""
    words = _WORDS.findall(fold(text))
    spanish = sum(word in _SPANISH_WORDS for word in words)
    english = sum(word in _ENGLISH_WORDS for word in words)
    if spanish > english:
        return SPANISH
    if english > spanish:
        return ENGLISH
    return None


def client_language(value: Any) -> Optional[str]:
    """A client's language setting ("es", "es-MX", "en_US") as "es"/"en", or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-", 1)[0]
    return code if code in LANGUAGES else None


def starting_language(metadata: Mapping[str, Any], carried: Optional[str]) -> Optional[str]:
    """The language a conversation (re)starts in: the client's setting, else the one the
    conversation already had (carried over), else the first message's guess; None when
    nothing tells (the notice is then in English and the slot stays unset)."""
    return (
        client_language(metadata.get(LANGUAGE))
        or client_language(carried)
        or client_language(metadata.get(LANGUAGE_GUESS))
    )
