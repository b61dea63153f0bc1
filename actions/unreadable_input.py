"""Recognise input the assistant cannot read, so it can say so politely.

Used when NLU found no topic: an empty message, one with no letters or mostly control
characters (emoji, binary junk), or one in another language deserves a reply that says
what went wrong rather than the general "I don't cover that". (Not the input guard,
``channels/input_guard.py``, which every message passes before NLU: this module only
says what kind of text a message is, for the actions to answer it.)
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

InputKind = Literal["empty", "unreadable", "other_language", "readable"]

# Frequent short words of the languages parents here most often write in besides English.
_FOREIGN_WORDS = {
    # Spanish
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "que",
    "es",
    "por",
    "para",
    "mi",
    "hijo",
    "hija",
    "con",
    "una",
    "un",
    "en",
    "y",
    "no",
    "se",
    "lo",
    "como",
    "qué",
    "cómo",
    "puedo",
    "escuela",
    "mediación",
    "gracias",
    "hola",
    "tengo",
    "necesito",
    "ayuda",
    "pero",
    "sí",
    "muy",
    # Portuguese / French / Vietnamese / Tagalog samples
    "você",
    "não",
    "obrigado",
    "est",
    "je",
    "vous",
    "les",
    "des",
    "une",
    "c'est",
    "pour",
    "tôi",
    "không",
    "của",
    "ang",
    "ng",
    "mga",
    "sa",
}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def classify(text: str) -> InputKind:
    """What kind of input ``text`` is, from the assistant's point of view."""
    stripped = (text or "").strip()
    if not stripped:
        return "empty"
    letters = [ch for ch in stripped if unicodedata.category(ch).startswith("L")]
    junk = sum(
        1
        for ch in stripped
        if ch == "\ufffd" or (unicodedata.category(ch) in ("Cc", "Co", "Cs") and ch not in "\n\r\t")
    )
    if not letters or junk / len(stripped) > 0.1:
        return "unreadable"
    latin = sum(1 for ch in letters if "LATIN" in unicodedata.name(ch, ""))
    if latin / len(letters) < 0.5:
        return "other_language"
    words = [w.lower() for w in _WORD.findall(stripped)]
    if len(words) >= 3 and sum(w in _FOREIGN_WORDS for w in words) / len(words) >= 0.4:
        return "other_language"
    return "readable"
