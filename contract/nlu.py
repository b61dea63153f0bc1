"""The NLU's answer bar, shared by config.yml and the actions.

config.yml's FallbackClassifier and VagueMediationClassifier use these values (a test
checks they agree); the low-confidence action uses them to tell whether the intents that
lead to one answer, taken together, clear the same bar.
"""

from __future__ import annotations

# Below this, the top intent is not answered: "Did you mean…" (docs/nlu.md says how it
# was chosen: scripts/choose_threshold.py).
ANSWER_THRESHOLD = 0.60
# Two intents closer than this are ambiguous.
AMBIGUITY_THRESHOLD = 0.05
# A topic whose runner-up is one of its related topics (offered under its answer) is
# answered when the two together clear ANSWER_THRESHOLD and it leads by at least this
# much: twice the ambiguity margin, since the pair splits one question between them.
SIBLING_LEAD = 0.10
# "Did you mean…" offers a topic of the message's ranking only from this confidence: a
# story read as out of scope ranks every topic at a few hundredths, and offering the first
# two of those is noise ("Enforcing it without a lawyer" to a mother asking where to
# start). Chosen a priori, twice the ambiguity margin.
CLARIFY_PLAUSIBLE = 0.10
