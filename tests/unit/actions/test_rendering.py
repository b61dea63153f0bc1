"""Rendering keeps the answer contract and cites sources compactly; the action server's
replies are channel-neutral, and each channel shows them in its own way (``channels/``)."""

from __future__ import annotations

from actions import rendering
from channels.reply_renderer import render
from channels.sms import to_gsm7
from knowledge_base import citations


def reply_of(message):
    """The channel-neutral reply an action-server message carries."""
    assert set(message) == {"json_message"} and set(message["json_message"]) == {"reply"}
    return message["json_message"]["reply"]


def shown(message, channel):
    """What ``channel`` sends for one action-server message."""
    return render(channel, {"text": None, "custom": message["json_message"]})


def test_every_topic_renders_with_the_contract(kb):
    for topic_id, topic in kb.topics.items():
        reply = reply_of(rendering.answer_message(kb, topic_id))
        custom = reply["topic"]
        assert custom["topic"] == topic_id
        assert custom["title"] == topic.title and custom["faq_anchor"] == f"#{topic_id}"
        assert reply["parts"] == [topic.answer] and reply["source"] == custom["source"]["text"]
        assert [b["payload"] for b in reply["options"]] == [f"/ask_{t}" for t in topic.related]
        [message] = shown(rendering.answer_message(kb, topic_id), "rest")
        assert message["custom"] == custom
        assert message["text"].endswith("\n\n" + custom["source"]["text"])
        assert [b["payload"] for b in message["buttons"]] == [f"/ask_{t}" for t in topic.related]


def test_source_line_names_article_paragraphs_and_regulation(kb):
    line = citations.source_line(kb, kb.topic("cost"))
    assert line.startswith(f"Source: “{kb.article.title}”")
    assert "¶" in line and "; 34 CFR 300.506(b)(4); " in line
    assert line.endswith(kb.references["wsems"].title)  # named sources come last


def test_regulation_citation_names_each_section_once_then_its_paragraphs():
    from types import SimpleNamespace

    topic = SimpleNamespace(
        regulation_refs=("300.506(a)", "300.506(b)(4)", "300.510", "300.506(b)(6)")
    )
    assert citations.regulation_citation(topic) == "34 CFR 300.506(a), (b)(4), (b)(6); 300.510"


def test_clarify_buttons_end_with_something_else(kb):
    buttons = rendering.clarify_buttons(kb, ["cost", "voluntary"])
    assert buttons[-1] == {"title": "Something else", "payload": "/something_else"}
    assert buttons[0]["title"] == kb.topic("cost").title


def test_tell_me_more_without_details_says_so_and_offers_related_topics(kb):
    topic = next(t for t in kb.topics.values() if not t.details and not t.federal_note)
    reply = reply_of(rendering.details_message(kb, topic.id))
    no_more = kb.phrase("no_more_details")
    assert reply["parts"] == [no_more] and reply["topic"]["kind"] == "details"
    [message] = shown(rendering.details_message(kb, topic.id), "rest")
    assert message["text"].startswith(no_more)
    assert message["custom"]["topic"] == topic.id
    assert len(message["buttons"]) == len(topic.related)


def test_every_topic_answers_with_its_source_on_sms_and_in_the_widget(kb):
    for topic_id, topic in kb.topics.items():
        [sms] = shown(rendering.answer_message(kb, topic_id), "twilio")
        first = to_gsm7(topic.answer).split(".")[0]
        assert first in sms["text"] and f"/faq/#{topic_id}\n" in sms["text"], topic_id
        assert "custom" not in sms  # messaging apps get no custom payload
        [widget] = shown(rendering.answer_message(kb, topic_id), "socketio")
        assert "Source: " not in widget["text"]  # the widget shows it from the contract
        assert set(widget["custom"]) == {"data"}
        contract = widget["custom"]["data"]
        assert contract["topic"] == topic_id and contract["source"]["text"].startswith("Source: ")


def test_guidance_and_other_sections_are_cited_by_name_with_their_urls(kb):
    topic = kb.topic("confidentiality_limits")
    line = citations.source_line(kb, topic)
    for ref in topic.source.references:
        assert kb.references[ref].title in line
    custom = reply_of(rendering.answer_message(kb, "resolution_meeting"))["topic"]
    parts = custom["source"]["regulation"]["parts"]
    assert parts and all(p["url"].startswith("https://") for p in parts)
    assert any(p["id"].startswith("300.510") and "300.510" in p["url"] for p in parts)
    assert "34 CFR 300.510" in custom["source"]["text"]
