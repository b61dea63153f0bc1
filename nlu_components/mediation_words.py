"""The word "mediation" in a parent's message, and messages that say nothing else.

Plain text functions with no Rasa import, so both the NLU component
(``mediation_mention``) and the actions (the decline) can use them.
"""

from __future__ import annotations

import re
from typing import FrozenSet

# The word itself and the ways parents spell it (English and Spanish).
_MEDIATION = re.compile(
    r"^(?:m[ei]d+[iy]?a?t(?:e|ed|es|ing|ion|ions)?"
    r"|m[ei]d+[iy]?at?i?[oó]n|mediaci[oó]n|mediat?ion|meditation)$"
)
# Asking about the mediator is asking about a topic (who they are, whether they are neutral).
_MEDIATOR = re.compile(r"^m[ei]d+[iy]?a?t[oe]rs?$")
_WORD = re.compile(r"[a-záéíóúñ']+")

# Words that add nothing to "tell me about mediation": who suggested it, filler, pronouns.
VAGUE_WORDS: FrozenSet[str] = frozenset(
    """
    a an the i im i'm ive i've me my we us our you your it its it's this that these those
    he she they them their his her someone somebody sombody somone sumone sumbody anyone
    anybody everyone people friend friends school district teacher teachers principal
    iep lawyer advocate doctor counselor
    do does did dont don't doing done should shud shld could would can will is are was
    were be been being have has had get got try trying
    what whats what's wat wut wht huh hmm um uh so ok okay oh well just really again also
    now then there here please pls plz thanks thx help hi hello hey
    said say says saying told tell telling mentioned mention mentions suggested suggest
    suggests suggesting recommended recommend recommends advised advise offered offer
    offers offering brought bring up heard hear hearing talked talk talking asked ask
    about abt of on for to and or but with at in from into
    thing stuff something info information explain explained mean means meaning know
    idea sure not any anything
    """.split()
)


def _close(word: str, vocabulary: FrozenSet[str]) -> bool:
    """The word, or a spelling one edit away from a vague word of five letters or more."""
    if word in vocabulary:
        return True
    if len(word) < 5:
        return False
    return any(
        abs(len(word) - len(known)) <= 1 and len(known) >= 5 and _one_edit(word, known)
        for known in vocabulary
    )


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion or change."""
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def names_mediation(text: str) -> bool:
    """The message contains the word mediation (or mediate, mediator…), spelled loosely."""
    return any(
        _MEDIATION.match(w) or _MEDIATOR.match(w) for w in _WORD.findall((text or "").lower())
    )


def only_names_mediation(text: str) -> bool:
    """The message names mediation and says nothing else a topic could be found in."""
    words = _WORD.findall((text or "").lower())
    others = [w for w in words if not _MEDIATION.match(w)]
    return len(others) < len(words) and all(_close(w, VAGUE_WORDS) for w in others)
