"""Find the questions inside a long message.

Parents often tell their story first and ask somewhere in the middle, or ask two things
at once. Classifying the whole message then averages a story and a question into
something vague. These helpers cut a message into sentence-sized segments and say which
of them are questions, so the classifier can also look at each one on its own.
"""

from __future__ import annotations

import re
from typing import List

_BOUNDARY = re.compile(
    r"(?<=[.!?])\s+|\n+|\s+-{1,2}\s+|;\s+|(?<=\?)(?=[^\s?])|\.{3,}\s*"
    r"|,\s+(?=(?:would|could|can|should|is|are|does|do|did|will|what|how|why|who|when|where)\s)"
    # "how does it work and is it free": a second question joined by "and"/"or". Only an
    # auxiliary followed by its subject, or a wh-word, starts one ("and is refusing" does not).
    r"|\s+(?=(?:and|or)\s+(?:(?:is|are|does|do|can|could|should|will|would|did)\s+"
    r"(?:it|i|we|they|this|that|mediation|the|my|he|she|there|you)\b|"
    r"(?:what|how|who|when|where|why)\s))",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^(and |but |so |also |plus |then |ok |okay |oh |well |and also )?"
    r"(who|whom|whose|what|whats|what's|when|where|why|how|which|is|isn't|are|aren't|am|"
    r"can|can't|could|would|will|won't|should|shall|do|does|did|don't|doesn't|may|might|"
    r"must|has|have|if|any)\b",
    re.IGNORECASE,
)
MIN_WORDS = 3


def segments(text: str) -> List[str]:
    """The message's sentences (and clauses split by dashes or semicolons), in order,
    each at least ``MIN_WORDS`` words; a short piece is joined to the one before it."""
    pieces = [p.strip() for p in _BOUNDARY.split(text or "") if p and p.strip()]
    out: List[str] = []
    for piece in pieces:
        if out and len(piece.split()) < MIN_WORDS:
            out[-1] = f"{out[-1]} {piece}"
        elif not out or len(out[-1].split()) >= MIN_WORDS:
            out.append(piece)
        else:
            out[-1] = f"{out[-1]} {piece}"
    return out


def is_question(segment: str) -> bool:
    """A segment that asks something: it ends with '?' or starts like a question."""
    segment = segment.strip()
    return segment.endswith("?") or bool(_QUESTION_START.match(segment))
