"""A real path to a person (issue 11): "Talk to a person" offers, when the organisation has
an inbox (``actions/handoff_mail.py``), to have someone contact the parent; ``callback_form``
then asks, in this order, for consent to share the conversation, the question, a name
(optional) and last the e-mail or phone, so the request is sent in the very turn the contact
is typed and the contact is stored only redacted (``service/stores/tracker_store.py``).

Every answer is taken as typed and checked here: a "no" to consent stops and shows the
contacts, "cancel" stops at any step, and a reply with no e-mail or phone gets a clear
re-ask. By SMS the number the parent is texting from is offered as the contact. All texts
are domain responses, in the conversation's language (issue 21): the questions' Spanish
variants, their Spanish buttons, and the words they promise ("cancelar", "omitir", "sí",
"no") are also matched here, whatever the NLU made of so short a reply. The e-mail says
which language the parent used, so that staff can reply in it.

Requests are limited per conversation, per web client and in all (``actions/callback_limit.py``,
issue 18): checked when the parent asks, before consent, and again just before sending; past
a limit the parent is told so, with the contacts, and nothing is sent.
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import unicodedata
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import callback_limit, followups, unreadable_input
from actions.actions import (
    decline,
    parent_language,
    say_with_contacts,
    send_with_options,
)
from actions.domain_options import domain_buttons
from actions.handoff_mail import (
    CallbackRequest,
    MailSettings,
    compose,
    mail_settings,
    send,
    transcript,
)
from contract import CLIENT_TAG, intents
from contract.conversations import TWILIO, log_tag
from contract.slots import CALLBACK_FORM_SLOTS, CALLBACK_STOPPED, REQUESTED_SLOT
from service.privacy.redaction import find_contact

logger = logging.getLogger(__name__)

CONSENT, QUESTION, NAME, CONTACT = CALLBACK_FORM_SLOTS
STOPPED = CALLBACK_STOPPED
NO_INBOX = "no_inbox"
# Past a limit on requests: this conversation's, or a client's or the total one.
LIMITED, BUSY = "limited", "busy"
REFUSALS = {LIMITED: "utter_callback_limited", BUSY: "utter_callback_busy"}
FORM_SLOTS = (CONSENT, QUESTION, NAME, CONTACT, STOPPED)
SMS_CHANNEL = TWILIO
# Replies that mean "no name, please": the name is optional. Compared folded (lower case,
# no accents, no end punctuation: ``folded``). Spanish: utter_ask_callback_name promises
# "omitir".
SKIP_WORDS = frozenset(
    {"skip", "no", "none", "no name", "rather not", "pass", "n/a", "-"}
    | {"omitir", "omita", "saltar", "salta", "ninguno", "sin nombre", "prefiero no", "paso"}
)
# Whole replies that stop the form at any step, whatever the NLU made of them: the words
# the questions promise ("never mind", "cancelar"; not "cancel", since by SMS a bare
# "cancel" unsubscribes the parent) and their plain neighbours.
CANCEL_WORDS = frozenset(
    {"cancel", "stop", "never mind", "nevermind", "cancelar", "cancela", "cancele", "parar"}
)
# Whole replies that answer the consent question, in either language ("si" is "sí" folded).
YES_WORDS = frozenset({"yes", "y", "si"})
NO_WORDS = frozenset({"no", "n"})
CANCEL_MAX_WORDS = 6  # "cancel" is a short reply; a long question that says "stop" is not


def stop(reason: str) -> Dict[Text, Any]:
    """Slot values that end the form early (Rasa ends it when ``requested_slot`` is None)."""
    return {STOPPED: reason, REQUESTED_SLOT: None}


def folded(text: str) -> str:
    """A short reply as compared with the word lists: lower case, accents and the
    punctuation around it dropped, spaces collapsed ("¡Sí!" -> "si")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split()).strip(".!?¡¿ ")


def is_cancel(tracker: Tracker, deny_too: bool = True) -> bool:
    """Whether the parent's reply is "cancel"/"cancelar", "stop", or (where a no can only
    mean that) "no" / "never mind"."""
    message = tracker.latest_message
    text = message.get("text") or ""
    if folded(text) in CANCEL_WORDS:
        return True
    intent = (message.get("intent") or {}).get("name")
    stopping = {"cancel", "deny"} if deny_too else {"cancel"}
    return intent in stopping and len(text.split()) <= CANCEL_MAX_WORDS


def by_sms(tracker: Tracker) -> bool:
    return tracker.get_latest_input_channel() == SMS_CHANNEL


def sms_number(tracker: Tracker) -> str:
    """The number an SMS or WhatsApp parent writes from: the message's ``reply_to`` (the
    conversation id is only a pseudonym of it, ``channels/pseudonym.py``), without the
    ``whatsapp:`` prefix."""
    metadata = tracker.latest_message.get("metadata") or {}
    return str(metadata.get("reply_to") or "").split(":")[-1]


def limit_keys(tracker: Tracker) -> List[callback_limit.Key]:
    """What a request counts against: its conversation and, from a web client, the
    pseudonym of its network address that the channel put in the message's metadata."""
    keys = [(callback_limit.CONVERSATION, tracker.sender_id)]
    metadata = tracker.latest_message.get("metadata") or {}
    tag = metadata.get(CLIENT_TAG) if isinstance(metadata, dict) else None
    if isinstance(tag, str) and tag:
        keys.append((callback_limit.CLIENT, tag[:200]))
    return keys


def limited(scope: str) -> str:
    """The ``callback_stopped`` value for a refusal in ``scope``; logs it (no id, no text)."""
    logger.warning("handoff.limited scope=%s", scope)
    return LIMITED if scope == callback_limit.CONVERSATION else BUSY


class ValidateCallbackForm(FormValidationAction):
    """Checks each answer of ``callback_form``."""

    def name(self) -> Text:
        return "validate_callback_form"

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(tracker, deny_too=False):  # a no here is the answer
            return {CONSENT: None, **stop("cancelled")}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        pick = (
            followups.pick_option(str(value or ""), 2) if intent == intents.CHOOSE_OPTION else None
        )
        word = folded(str(tracker.latest_message.get("text") or ""))
        if word in YES_WORDS or (word not in NO_WORDS and (intent == "affirm" or pick == 0)):
            return {CONSENT: True}
        if word in NO_WORDS or intent == "deny" or pick == 1:
            return {CONSENT: False, **stop("declined")}
        dispatcher.utter_message(response="utter_callback_consent_unclear")
        return {CONSENT: None}

    def validate_callback_question(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(tracker):
            return {QUESTION: None, **stop("cancelled")}
        text = str(value or "").strip()
        if unreadable_input.classify(text) not in ("readable", "other_language"):
            return {QUESTION: None}  # asked again
        return {QUESTION: text}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(tracker, deny_too=False):  # "no" here means no name
            return {NAME: None, **stop("cancelled")}
        text = " ".join(str(value or "").split())[:100]
        if folded(text) in SKIP_WORDS or not text:
            return {NAME: ""}
        return {NAME: text}

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[Text, Any]:
        if is_cancel(tracker):
            return {CONTACT: None, **stop("cancelled")}
        text = str(value or "")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        number = sms_number(tracker) if by_sms(tracker) else ""
        if number and (
            intent == "use_my_number"
            or (intent == intents.CHOOSE_OPTION and followups.pick_option(text, 1) == 0)
        ):
            return {CONTACT: number}
        contact = find_contact(text)
        if contact is None:
            dispatcher.utter_message(response="utter_callback_bad_contact")
        return {CONTACT: contact}


class ActionAskCallbackConsent(Action):
    """The consent question, with "Yes, share it" and "No" (by SMS: 1 and 2); with no inbox
    configured (a typed request), or past a limit on requests, the form ends at once and
    ``action_submit_callback`` says why, with the contacts."""

    def name(self) -> Text:
        return "action_ask_callback_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if mail_settings() is None:
            return [SlotSet(STOPPED, NO_INBOX), ActiveLoop(None)]
        scope = callback_limit.limiter().check(limit_keys(tracker))
        if scope is not None:
            ended = stop(limited(scope))
            return [*(SlotSet(slot, value) for slot, value in ended.items()), ActiveLoop(None)]
        response, language = "utter_ask_callback_consent", parent_language(tracker)
        buttons = domain_buttons(domain, response, language)
        send_with_options(dispatcher, response, buttons, language=language)
        return []


class ActionAskCallbackContact(Action):
    """The last question: an e-mail or phone; by SMS, "1" uses the number texted from."""

    def name(self) -> Text:
        return "action_ask_callback_contact"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        if by_sms(tracker):
            response, language = "utter_ask_callback_contact_sms", parent_language(tracker)
            buttons = domain_buttons(domain, response, language)
            send_with_options(dispatcher, response, buttons, language=language)
        else:
            dispatcher.utter_message(response="utter_ask_callback_contact")
        return []


def offer_callback(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> List[EventType]:
    """The help contacts, then (when an inbox is configured) the callback button."""
    if mail_settings() is None:
        return decline(dispatcher, tracker, response="utter_human_handoff")
    events = decline(dispatcher, tracker, response="utter_human_handoff_org")
    offer, language = "utter_offer_callback", parent_language(tracker)
    send_with_options(dispatcher, offer, domain_buttons(domain, offer, language), language=language)
    return events


class ActionHumanHelp(Action):
    """A request for a person: the help contacts, configured in the knowledge base, and,
    when the organisation has an inbox, the offer to have someone contact the parent."""

    def name(self) -> Text:
        return "action_human_help"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        return offer_callback(dispatcher, tracker, domain)


class ActionSubmitCallback(Action):
    """When the form ends: e-mail the request and confirm what happens next; or, when the
    parent said no, cancelled, a limit on requests is reached, or the mail could not be
    sent, say so with the contacts."""

    def name(self) -> Text:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        reset: List[EventType] = [SlotSet(slot, None) for slot in FORM_SLOTS]
        stopped: Optional[str] = tracker.get_slot(STOPPED)
        contact = tracker.get_slot(CONTACT)
        settings = mail_settings()
        if stopped == "cancelled":
            say_with_contacts(dispatcher, tracker, "utter_callback_cancelled")
        elif stopped == NO_INBOX:
            say_with_contacts(dispatcher, tracker, "utter_human_handoff")
        elif stopped in REFUSALS:
            say_with_contacts(dispatcher, tracker, REFUSALS[stopped])
        elif stopped or tracker.get_slot(CONSENT) is not True or not contact:
            say_with_contacts(dispatcher, tracker, "utter_callback_declined")
        elif settings is None:
            say_with_contacts(dispatcher, tracker, "utter_human_handoff")
        else:
            await self._send(dispatcher, tracker, settings, contact)
        return reset

    async def _send(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        settings: MailSettings,
        contact: str,
    ) -> None:
        """E-mail the request within the limits: counted before it is sent (so two at once
        cannot both pass), and taken back if it could not be sent."""
        keys = limit_keys(tracker)
        scope = callback_limit.limiter().acquire(keys)
        if scope is not None:
            say_with_contacts(dispatcher, tracker, REFUSALS[limited(scope)])
            return
        request = CallbackRequest(
            contact=contact,
            question=tracker.get_slot(QUESTION) or "",
            name=tracker.get_slot(NAME) or "",
            channel=tracker.get_latest_input_channel() or "unknown",
            conversation=transcript(tracker.events),
            language=parent_language(tracker),
        )
        try:
            await asyncio.to_thread(send, settings, compose(settings, request))
        except (OSError, smtplib.SMTPException) as error:
            callback_limit.limiter().release(keys)
            logger.error(
                "handoff.send_failed conversation=%s error=%s",
                log_tag(tracker.sender_id),
                type(error).__name__,
            )
            say_with_contacts(dispatcher, tracker, "utter_callback_failed")
        else:
            logger.info("handoff.sent conversation=%s", log_tag(tracker.sender_id))
            dispatcher.utter_message(response="utter_callback_sent", contact=contact)
