"""Slot names (domain.yml ``slots:``) that more than one layer reads or writes.

The actions set them; the input guard, the tracker store, the insights report and the NLU
components read them from stored events. ``tests/unit/contract/test_contract.py`` checks that
every name here is a slot of domain.yml, so a rename there fails until it is made here too.
"""

from __future__ import annotations

from contract import LANGUAGE

# The topic last answered: feedback may name only a topic answered in the conversation
# (channels/input_guard.py); the insights report counts a turn as answered by it.
LAST_TOPIC = "last_topic"
# The topics of the last "Did you mean…" (a number or "the first one" picks one).
OFFERED_TOPICS = "offered_topics"
# The parent's state (two letters), also the entity the state extractor finds.
US_STATE = "us_state"
# Where the low-confidence path stands: one of FALLBACK_STAGES below.
FALLBACK_STAGE = "fallback_stage"
# Set by the erase action; the tracker store deletes the conversation when it sees it.
ERASE_REQUESTED = "erase_requested"

# The callback request form's slots, in the order it asks them, and the slot that says why
# it stopped early (the Telegram connector asks for a phone number at CALLBACK_CONTACT).
CALLBACK_CONSENT = "callback_consent"
CALLBACK_QUESTION = "callback_question"
CALLBACK_NAME = "callback_name"
CALLBACK_CONTACT = "callback_contact"
CALLBACK_FORM_SLOTS = (CALLBACK_CONSENT, CALLBACK_QUESTION, CALLBACK_NAME, CALLBACK_CONTACT)
CALLBACK_STOPPED = "callback_stopped"

# Rasa's own slots (not in domain.yml): the form's next slot, and the metadata of the
# message that started the session.
REQUESTED_SLOT = "requested_slot"
SESSION_STARTED_METADATA = "session_started_metadata"

# The values of FALLBACK_STAGE: "Did you mean…" (the two likeliest topics and "Something
# else"), "Sure. What would you like to know?", then the help contacts.
CLARIFYING = "clarifying"
ASKED_AGAIN = "asked_again"
DECLINED = "declined"
FALLBACK_STAGES = (CLARIFYING, ASKED_AGAIN, DECLINED)

# Every domain.yml slot named here (the drift test's list).
DOMAIN_SLOTS = frozenset(
    {
        LANGUAGE,
        LAST_TOPIC,
        OFFERED_TOPICS,
        US_STATE,
        FALLBACK_STAGE,
        ERASE_REQUESTED,
        *CALLBACK_FORM_SLOTS,
        CALLBACK_STOPPED,
    }
)
