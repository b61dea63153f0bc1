"""Turn knowledge-base entries into chat messages, shaped per output channel.

Every message that answers a topic carries a ``custom`` object with ``"topic"`` and what
a client needs to show it (title, source, related topics, FAQ anchor): that is the
answer contract clients and the evaluation rely on. Messages that answer no topic
never carry ``"topic"``.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Sequence

from channels.styles import shape, style_for
from knowledge_base.intents import payload_for_topic
from knowledge_base import KnowledgeBase, Topic
from knowledge_base.states import NAMES as STATE_NAMES, name_of, possessive

# Channels whose client draws the source line from the custom object itself.
RICH_CHANNELS = frozenset({"socketio"})
SOMETHING_ELSE_PAYLOAD = "/something_else"
# "Tell me more" about a topic whose short answer is already all the source says.
NO_MORE_DETAILS = "That's all I know on this one; I'd rather not add guesses. These related questions go further:"

Message = Dict[str, Any]


def _ranges(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def article_citation(kb: KnowledgeBase, topic: Topic) -> str:
    """'Benefits ¶2, 5' style pointers into the article's outline, in outline order."""
    by_section: Dict[str, List[int]] = {}
    order = list(kb.article.parts)
    for ref in sorted(topic.article_refs, key=order.index):
        part = kb.article.parts[ref]
        by_section.setdefault(part.section_title, []).append(part.position)
    return "; ".join(f"{title} ¶{_ranges(nums)}" for title, nums in by_section.items())


def regulation_citation(topic: Topic) -> str:
    """'34 CFR 300.506(a), (b)(4); 300.510': each section named once, then its paragraphs."""
    by_section: Dict[str, List[str]] = {}
    for ref in topic.regulation_refs:
        section, paren, rest = ref.partition("(")
        by_section.setdefault(section, []).append(paren + rest)
    cited = []
    for section, paragraphs in by_section.items():
        named = [p for p in paragraphs if p]
        cited.append(section + (named[0] + "".join(f", {p}" for p in named[1:]) if named else ""))
    return "34 CFR " + "; ".join(cited)


def reference_titles(kb: KnowledgeBase, reference_ids: Iterable[str]) -> str:
    """'CADRE; Wisconsin Special Education Mediation System': named sources, in order."""
    return "; ".join(kb.references[r].title for r in reference_ids)


def source_line(kb: KnowledgeBase, topic: Topic) -> str:
    """One short plain line saying where the answer comes from."""
    bits = []
    if topic.article_refs:
        bits.append(f"“{kb.article.title}” ({article_citation(kb, topic)})")
    if topic.regulation_refs:
        bits.append(regulation_citation(topic))
    if topic.source.references:
        bits.append(reference_titles(kb, topic.source.references))
    return "Source: " + "; ".join(bits)


def state_note(kb: KnowledgeBase, topic: Topic, state: Optional[str]) -> Optional[Dict[str, Any]]:
    """What the knowledge base says about this topic in the parent's state: its verified
    note with the source, or else that rules vary and who can confirm. Never a guess."""
    if not state or state not in STATE_NAMES:
        return None
    note = kb.state_note(state, topic.id)
    name = name_of(state)
    if note is None:
        return {"state": state, "name": name, "verified": False, "source": None,
                "text": f"Rules can differ by state: {possessive(state)} special education "
                        f"dispute resolution office can confirm how this works there."}
    return {"state": state, "name": name, "verified": True,
            "source": reference_titles(kb, note.references),
            "text": f"{note.note} (Source: {reference_titles(kb, note.references)})"}


def topic_buttons(kb: KnowledgeBase, topic_ids: Iterable[str]) -> List[Dict[str, str]]:
    """Quick replies whose payload asks that topic directly."""
    return [{"title": kb.topic(t).title, "payload": payload_for_topic(t)} for t in topic_ids]


def topic_custom(kb: KnowledgeBase, topic: Topic, kind: str) -> Dict[str, Any]:
    """The contract object: everything a client needs to show a topic answer."""
    note = topic.federal_note
    return {
        "topic": topic.id,
        "kind": kind,
        "title": topic.title,
        "question": topic.question,
        "area": topic.area,
        "answer": topic.answer,
        "details": topic.details,
        "source": {
            "text": source_line(kb, topic),
            "article": {
                "title": kb.article.title,
                "url": kb.article.url,
                "parts": [{"id": ref, "section": kb.article.parts[ref].section_title,
                           "paragraph": kb.article.parts[ref].position}
                          for ref in topic.article_refs],
            },
            "regulation": {"parts": [{"id": ref, "title": kb.regulation_section(ref).title,
                                      "url": kb.regulation_section(ref).url}
                                     for ref in topic.regulation_refs]},
            "references": [{"id": r, "title": kb.references[r].title,
                            "publisher": kb.references[r].publisher,
                            "kind": kb.references[r].kind, "url": kb.references[r].url}
                           for r in topic.source.references],
        },
        "federal_note": {"text": note.text, "citation": note.citation} if note else None,
        "related": [{"topic": t, "title": kb.topic(t).title, "payload": payload_for_topic(t)}
                    for t in topic.related],
        "faq_anchor": f"#{topic.id}",
    }


def _custom(payload: Dict[str, Any], channel: Optional[str]) -> Dict[str, Any]:
    """Rasa's socket.io output emits a custom message as ``emit(event, **custom)``, so the
    payload has to travel under ``data`` there; other channels take it as it is."""
    return {"data": payload} if channel == "socketio" else payload


def _topic_message(kb: KnowledgeBase, topic: Topic, body: str, kind: str,
                   channel: Optional[str], state: Optional[str] = None) -> Message:
    """Text (the federal answer, then the parent's state's note, then the source line
    unless the client shows it), options and, for our own web clients, the contract
    object; messaging apps get no custom payload, which their connectors would try to
    send as an app message."""
    local = state_note(kb, topic, state)
    if local:
        body = f"{body}\n\n{local['text']}"
    if channel not in RICH_CHANNELS:
        body = f"{body}\n\n{source_line(kb, topic)}"
    message = shape(channel, body, topic_buttons(kb, topic.related))
    if style_for(channel).web_client:
        custom = topic_custom(kb, topic, kind)
        custom["state_note"] = local
        message["json_message"] = _custom(custom, channel)
    return message


def answer_message(kb: KnowledgeBase, topic_id: str, channel: Optional[str],
                   state: Optional[str] = None) -> Message:
    """The short answer to a topic, with related topics as quick replies."""
    topic = kb.topic(topic_id)
    return _topic_message(kb, topic, topic.answer, "answer", channel, state)


def details_message(kb: KnowledgeBase, topic_id: str, channel: Optional[str],
                    state: Optional[str] = None) -> Message:
    """'Tell me more': the details and the federal-law note of a topic."""
    topic = kb.topic(topic_id)
    parts = [topic.details] if topic.details else []
    if topic.federal_note:
        parts.append(f"What federal law says: {topic.federal_note.text} "
                     f"({topic.federal_note.citation})")
    parts = parts or [NO_MORE_DETAILS]
    return _topic_message(kb, topic, "\n\n".join(parts), "details", channel, state)


def notice_text(kb: KnowledgeBase) -> str:
    """The line every conversation starts with: not legal advice, and what is kept."""
    return f"{kb.notice.disclaimer} {kb.notice.privacy}"


def clarify_buttons(kb: KnowledgeBase, topic_ids: Sequence[str]) -> List[Dict[str, str]]:
    """Readable choices for a low-confidence guess, plus a way out."""
    return topic_buttons(kb, topic_ids) + [{"title": "Something else",
                                            "payload": SOMETHING_ELSE_PAYLOAD}]


def menu_text(kb: KnowledgeBase) -> str:
    """The areas the assistant covers, one per line."""
    return "\n".join(f"• {a.title}" for a in kb.areas)


def area_starters(kb: KnowledgeBase) -> List[str]:
    """The first topic of each area: one button per area in the menu."""
    return [a.topics[0] for a in kb.areas]
