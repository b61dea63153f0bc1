"""Payloads: the hidden messages buttons and controls send (``/<intent>``), by the widget,
the actions' buttons and the connectors alike. Rasa reads a message that starts with "/"
as that intent, with no NLU; the input guard accepts the ALWAYS_ALLOWED ones when typed.
"""

from __future__ import annotations

from contract import ENGLISH, SPANISH
from contract import intents as i


def payload(intent: str) -> str:
    """The payload that asks for ``intent`` directly."""
    return f"/{intent}"


HUMAN_HANDOFF = payload(i.HUMAN_HANDOFF)
CONFIRM_ERASE = payload(i.CONFIRM_ERASE)
# Followed by its entities as JSON: '/feedback{"helpful": "yes", "topic": "cost"}'.
FEEDBACK = payload(i.FEEDBACK)
UNSUPPORTED_MESSAGE = payload(i.UNSUPPORTED_MESSAGE)
SOMETHING_ELSE = payload(i.SOMETHING_ELSE)
GREET = payload(i.GREET)
# The language switch's payload for the language it switches to.
SWITCH_TO = {ENGLISH: payload(i.SWITCH_TO_ENGLISH), SPANISH: payload(i.SWITCH_TO_SPANISH)}
# What chat widgets and apps send to open a conversation (rasa-webchat's usual initPayload is
# "/get_started"; Telegram's Start button sends "/start", with a deep link's parameter after a
# space): the greeting, like a typed "hi".
START = frozenset({"/get_started", GREET, "/start"})
