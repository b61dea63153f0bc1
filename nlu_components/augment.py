"""Extra training rows made from our own topic examples, for phrasings parents use that the
examples rarely have.

- ``without_the_word``: parents who already talk about mediation stop naming it ("can we
  reschedule it?", "is it free?"), and the classifier leaned on the word: a question without
  it read as out of scope. Each topic example that names mediation also trains without it.

Plain text functions with no Rasa import; ``LogisticIntentClassifier`` adds the rows.
"""

from __future__ import annotations

import re
from typing import Iterable, List, Optional, Tuple

# "mediation" with the words that only point at it ("the", "our IEP mediation session").
_MEDIATION_PHRASE = re.compile(
    r"\b(?:(?:the|a|an|this|that|our|my|iep|special\s+ed(?:ucation)?|sped)\s+)*"
    r"(?:mediation|mediaton|medation|meditation)"
    r"(?:\s+(?:session|meeting|process|conference))?\b"
    # "the mediation agreement" is not "it agreement": leave compounds as they are.
    r"(?!\s+(?:agreements?|programs?|requests?|forms?|office|center|services?|options?|rules?))",
    re.IGNORECASE,
)


def without_the_word(text: str) -> Optional[str]:
    """The example with "mediation" said as "it", or None when it does not name mediation.

    >>> without_the_word("can we reschedule the mediation session?")
    'can we reschedule it?'
    """
    changed = _MEDIATION_PHRASE.sub("it", text)
    return changed if changed != text else None


def pronoun_rows(
    examples: Iterable[Tuple[str, str]], intents_from: str, leave_out: Iterable[str] = ()
) -> List[Tuple[str, str]]:
    """(text, intent) rows without the word, for the intents starting with ``intents_from``
    except ``leave_out``; each new text once, and never one an example already has."""
    examples = list(examples)
    seen = {text.lower() for text, _ in examples}
    skipped = set(leave_out)
    rows = []
    for text, intent in examples:
        if not intent.startswith(intents_from) or intent in skipped:
            continue
        changed = without_the_word(text)
        if changed and changed.lower() not in seen:
            seen.add(changed.lower())
            rows.append((changed, intent))
    return rows
