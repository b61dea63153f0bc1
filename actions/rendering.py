"""Turn knowledge-base entries into channel-neutral replies.

A reply is one message whose ``custom`` is ``{"reply": {"parts", "source", "options",
"topic"}}``; how an app shows it (size limits, numbered options, markup, splitting, where
the source line and the contract go) is decided in ``channels/reply_renderer.py``, never here.
Every reply that answers a topic carries in ``topic`` the answer contract (title, source,
related topics, FAQ anchor) that clients and the evaluation rely on. Replies that answer
no topic never carry one.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from channels.reply_renderer import REPLY, neutral_reply
from contract import (
    ENGLISH,
    FAQ_PATHS,
    SPANISH,
    STATE_DIRECTORY_PATHS,
    TOPIC_ANSWER,
    TOPIC_DETAILS,
    payloads,
)
from knowledge_base import KnowledgeBase, Topic
from knowledge_base import contacts as kb_contacts
from knowledge_base.citations import reference_titles, source_line
from knowledge_base.intents import payload_for_topic
from knowledge_base.loader import contact_list
from knowledge_base.notice import notice_text
from knowledge_base.states import NAMES as STATE_NAMES
from knowledge_base.states import name_of

SOMETHING_ELSE_PAYLOAD = payloads.SOMETHING_ELSE

Message = Dict[str, Any]


def title_of(kb: KnowledgeBase, topic_id: str, language: str = ENGLISH) -> str:
    topic = kb.topic(topic_id)
    return topic.es.title if language == SPANISH else topic.title


def state_note(
    kb: KnowledgeBase, topic: Topic, state: Optional[str], language: str = ENGLISH
) -> Optional[Dict[str, Any]]:
    """What the knowledge base says about this topic in the parent's state: its verified
    note with the source, or else that rules vary and who can confirm. Never a guess."""
    if not state or state not in STATE_NAMES:
        return None
    note = kb.state_note(state, topic.id)
    name = name_of(state)
    if note is None:
        return {
            "state": state,
            "name": name,
            "verified": False,
            "source": None,
            "text": kb_contacts.state_office_line(kb, state, topic.id, language),
        }
    text = note.es.note if language == SPANISH else note.note
    sources = reference_titles(kb, note.references)
    text = f"{text} ({kb.phrase('source', language, sources=sources)})"
    if topic.id in kb_contacts.WHO_TO_CONTACT_TOPICS:
        text = f"{text} {kb_contacts.contact_sentence(kb, state, language)}"
    return {"state": state, "name": name, "verified": True, "source": sources, "text": text}


def topic_buttons(
    kb: KnowledgeBase, topic_ids: Iterable[str], language: str = ENGLISH
) -> List[Dict[str, str]]:
    """Quick replies whose payload asks that topic directly."""
    return [
        {"title": title_of(kb, t, language), "payload": payload_for_topic(t)} for t in topic_ids
    ]


def topic_custom(
    kb: KnowledgeBase, topic: Topic, kind: str, language: str = ENGLISH
) -> Dict[str, Any]:
    """The contract object: everything a client needs to show a topic answer, in the
    parent's language."""
    note = topic.federal_note
    spanish = language == SPANISH
    note_text = (topic.es.federal_note if spanish else note.text) if note else None
    return {
        "topic": topic.id,
        "kind": kind,
        "language": language,
        "title": topic.es.title if spanish else topic.title,
        "question": topic.es.question if spanish else topic.question,
        "area": topic.area,
        "answer": topic.es.answer if spanish else topic.answer,
        "details": (topic.es.details or "") if spanish else topic.details,
        "source": {
            "text": source_line(kb, topic, language),
            "article": {
                "title": kb.article.title,
                "url": kb.article.url,
                "parts": [
                    {
                        "id": ref,
                        "section": kb.article.parts[ref].section_title,
                        "paragraph": kb.article.parts[ref].position,
                    }
                    for ref in topic.article_refs
                ],
            },
            "regulation": {
                "parts": [
                    {
                        "id": ref,
                        "title": kb.regulation_section(ref).title,
                        "url": kb.regulation_section(ref).url,
                    }
                    for ref in topic.regulation_refs
                ]
            },
            "references": [
                {
                    "id": r,
                    "title": kb.references[r].title,
                    "publisher": kb.references[r].publisher,
                    "kind": kb.references[r].kind,
                    "url": kb.references[r].url,
                }
                for r in topic.source.references
            ],
        },
        "federal_note": {"text": note_text, "citation": note.citation} if note else None,
        "related": [
            {"topic": t, "title": title_of(kb, t, language), "payload": payload_for_topic(t)}
            for t in topic.related
        ],
        "faq_anchor": f"#{topic.id}",
        # The FAQ page in the reply's language; the anchor is the same on both.
        "faq_page": FAQ_PATHS.get(language, FAQ_PATHS[ENGLISH]),
    }


def reply_message(
    parts: Sequence[str] = (),
    options: Sequence[Dict[str, Any]] = (),
    source: Optional[str] = None,
    topic: Optional[Dict[str, Any]] = None,
    event: Optional[str] = None,
    language: str = ENGLISH,
    **kwargs: Any,
) -> Message:
    """``dispatcher.utter_message`` arguments for one channel-neutral reply (see
    ``channels/reply_renderer.py``: each channel shows it in its own way); ``kwargs`` name a
    domain response and its variables, whose text comes first. ``event`` tells our web
    clients something happened that they act on (``contract.CONVERSATION_ERASED``)."""
    reply = {"parts": list(parts), "source": source, "options": list(options), "topic": topic}
    if language != ENGLISH:
        reply["language"] = language  # the channels' own phrases follow it (SMS: "Responda")
    if event:
        reply["event"] = event
    return {**kwargs, "json_message": {REPLY: reply}}


def help_contacts_message(
    kb: KnowledgeBase, again: bool = False, state: Optional[str] = None, language: str = ENGLISH
) -> Message:
    """The help contacts: the domain response with the full list (the organisation's own
    first, then, the parent's state known, that state's office and parent center), and in
    the reply the short lines (SMS shows those with a link to the full list: the state's
    entry in the FAQ's state directory when known) and ``again`` when they were sent in
    answer to the previous message too (SMS then only points to the list)."""
    contacts = contact_list(kb_contacts.contacts(kb, state, language))
    message = reply_message(response="utter_help_contacts", contacts=contacts, language=language)
    pages = STATE_DIRECTORY_PATHS if state else FAQ_PATHS  # in the parent's language
    message["json_message"][REPLY]["contacts"] = {
        "short": kb_contacts.short_contacts(kb, state, language),
        "page": pages.get(language, pages[ENGLISH]),
        "anchor": state or "help",
        "again": again,
    }
    return message


def _topic_message(
    kb: KnowledgeBase,
    topic: Topic,
    body: str,
    kind: str,
    state: Optional[str] = None,
    language: str = ENGLISH,
) -> Message:
    """The federal answer, then the parent's state's note, the source line, related
    topics as options and the contract object."""
    local = state_note(kb, topic, state, language)
    contract = topic_custom(kb, topic, kind, language)
    contract["state_note"] = local
    parts = [body] + ([local["text"]] if local else [])
    return reply_message(
        parts,
        topic_buttons(kb, topic.related, language),
        source_line(kb, topic, language),
        contract,
        language=language,
    )


def topic_reply_of(message: Dict[str, Any]) -> Optional[Tuple[str, str]]:
    """(topic id, ``TOPIC_ANSWER`` or ``TOPIC_DETAILS``) of a sent message (or a bot
    event's ``data``), if it was a topic reply (the contract object ``_topic_message`` puts
    there)."""
    topic = (neutral_reply(message) or {}).get("topic")
    if isinstance(topic, dict) and topic.get("topic") and topic.get("kind"):
        return str(topic["topic"]), str(topic["kind"])
    return None


def answer_message(
    kb: KnowledgeBase, topic_id: str, state: Optional[str] = None, language: str = ENGLISH
) -> Message:
    """The short answer to a topic, with related topics as quick replies."""
    topic = kb.topic(topic_id)
    answer = topic.es.answer if language == SPANISH else topic.answer
    return _topic_message(kb, topic, answer, TOPIC_ANSWER, state, language)


def details_message(
    kb: KnowledgeBase, topic_id: str, state: Optional[str] = None, language: str = ENGLISH
) -> Message:
    """'Tell me more': the details and the federal-law note of a topic."""
    topic = kb.topic(topic_id)
    spanish = language == SPANISH
    details = (topic.es.details or "") if spanish else topic.details
    parts = [details] if details else []
    if topic.federal_note:
        text = topic.es.federal_note if spanish else topic.federal_note.text
        parts.append(
            kb.phrase(
                "federal_law", language, text=text or "", citation=topic.federal_note.citation
            )
        )
    parts = parts or [kb.phrase("no_more_details", language)]
    return _topic_message(kb, topic, "\n\n".join(parts), TOPIC_DETAILS, state, language)


def has_details(kb: KnowledgeBase, topic_id: str) -> bool:
    """Whether ``details_message`` has more than the answer to give for a topic."""
    topic = kb.topic(topic_id)
    return bool(topic.details or topic.federal_note)


def notice_message(kb: KnowledgeBase, language: str = ENGLISH) -> Message:
    """The notice, with its one-segment form for SMS in the reply (``sms_text``)."""
    message = reply_message(text=notice_text(kb, language), language=language)
    sms = kb.notice.es.sms if language == SPANISH else kb.notice.sms
    message["json_message"][REPLY]["sms_text"] = sms
    return message


def clarify_buttons(
    kb: KnowledgeBase, topic_ids: Sequence[str], language: str = ENGLISH
) -> List[Dict[str, str]]:
    """Readable choices for a low-confidence guess, plus a way out."""
    return topic_buttons(kb, topic_ids, language) + [
        {"title": kb.phrase("something_else", language), "payload": SOMETHING_ELSE_PAYLOAD}
    ]


def menu_text(kb: KnowledgeBase, language: str = ENGLISH) -> str:
    """The areas the assistant covers, one per line."""
    return "\n".join(f"• {a.es_title if language == SPANISH else a.title}" for a in kb.areas)


def area_starters(kb: KnowledgeBase) -> List[str]:
    """The first topic of each area: one button per area in the menu."""
    return [a.topics[0] for a in kb.areas]
