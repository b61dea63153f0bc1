"""'Delete my conversation' (issue 11): ask to confirm, then have the conversation deleted.

The deleting itself happens in the Rasa server's tracker store
(``service/stores/tracker_store.py``): the action sets the ``erase_requested`` slot, and the
store, instead of saving that turn, deletes every stored event of the conversation. The
widget's "Start over → also delete" sends ``/confirm_erase`` straight away, without the
question.
"""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import followups, rendering
from actions.actions import KB, parent_language, send_with_options
from actions.domain_options import domain_buttons
from contract import CONVERSATION_ERASED, intents
from contract.slots import ERASE_REQUESTED

ERASE_SLOT = ERASE_REQUESTED  # read by service/stores/tracker_store.py
ASK_ERASE = "utter_ask_erase"


class ActionPrivacyNotice(Action):
    """ "Is this chat private?": the notice, whose privacy line says what is kept, for how
    long, what is hidden and how to delete it (the knowledge base's text, as at the start)."""

    def name(self) -> Text:
        return "action_privacy_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        dispatcher.utter_message(**rendering.notice_message(KB))
        return []


class ActionAskErase(Action):
    """Ask before deleting: the question, with "Yes, delete it" and "No, keep it"."""

    def name(self) -> Text:
        return "action_ask_erase"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = parent_language(tracker)  # its Spanish buttons, and "Responda" by SMS
        buttons = domain_buttons(domain, ASK_ERASE, language)
        send_with_options(dispatcher, ASK_ERASE, buttons, language=language)
        return []


class ActionEraseConversation(Action):
    """Its button, a typed yes, or by SMS a "1": say it is done and have it deleted (a
    callback request under way ends too); a "2" (or any other number) by SMS keeps it."""

    def name(self) -> Text:
        return "action_erase_conversation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == intents.CHOOSE_OPTION:
            options = len(domain_buttons(domain, ASK_ERASE))
            if followups.pick_option(tracker.latest_message.get("text") or "", options) != 0:
                dispatcher.utter_message(response="utter_erase_kept")
                return []
        # Our widget deletes its copy in this browser when it sees the event.
        dispatcher.utter_message(
            **rendering.reply_message(
                response="utter_conversation_erased", event=CONVERSATION_ERASED
            )
        )
        return [SlotSet(ERASE_SLOT, True), ActiveLoop(None)]
