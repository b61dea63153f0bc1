"""Redaction (issue 11): contact details and long numbers never reach the store or the logs,
while what parents ask about (dates, days, ages, sections of law) stays readable."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from service.redaction import RedactingFilter, redact, redact_event
from service.tracker_store import WindowedSQLTrackerStore
from tests.test_tracker_store import REPO


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail me at jane.doe+iep@school-mail.example.org please", "mail me at [email] please"),
        ("call 555-123-4567", "call [phone]"),
        ("call (555) 123-4567 after 5", "call [phone] after 5"),
        ("my cell is 555.123.4567.", "my cell is [phone]."),
        ("text +1 555 123 4567 or 1-555-123-4567", "text [phone] or [phone]"),
        ("+15551234567", "[phone]"),
        ("reach me on 5551234567", "reach me on [phone]"),
        ("UK number +44 20 7946 0958", "UK number [phone]"),
        ("his ssn is 123-45-6789", "his ssn is [number]"),
        ("student id 20231234", "student id [number]"),
        ("id S1234567", "id S[number]"),
        ("case #123456", "case #[number]"),
    ],
)
def test_contact_details_and_long_numbers_become_placeholders(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the meeting is on 2024-05-12 at 10:30",
        "he is 12 and has had an IEP since 2019",
        "34 CFR 300.506 says 30 days",
        "we waited 10 days, then 45 school days",
        "can it be at 4?",
        "sender=0f8fad5bd9cb469fa16570867728950e",  # a conversation id in a log line
    ],
)
def test_ordinary_numbers_dates_and_ids_stay(text):
    assert redact(text) == text


def test_a_stored_event_is_redacted_everywhere_but_its_identifiers():
    event = UserUttered(
        "my email is jane@example.com",
        {"name": "human_handoff", "confidence": 0.9},
        [{"entity": "contact", "value": "jane@example.com"}],
        parse_data={
            "text": "my email is jane@example.com",
            "intent": {"name": "human_handoff", "confidence": 0.9},
        },
        message_id="1234567890abcdef1234567890abcdef",
    ).as_dict()
    stored = redact_event(event)
    assert "jane@example.com" not in json.dumps(stored)
    assert stored["text"] == stored["parse_data"]["text"] == "my email is [email]"
    assert stored["message_id"] == event["message_id"]
    assert stored["parse_data"]["intent"]["name"] == "human_handoff"


def test_the_log_filter_redacts_the_formatted_line():
    record = logging.LogRecord(
        "rasa.core.processor",
        logging.DEBUG,
        __file__,
        1,
        "Received user message '%s'",
        ("call me at 555-123-4567 or jane@example.com",),
        None,
    )
    assert RedactingFilter().filter(record)
    assert record.getMessage() == "Received user message 'call me at [phone] or [email]'"


def test_the_store_keeps_placeholders_and_the_tracker_in_memory_keeps_the_original(tmp_path):
    db = tmp_path / "t.db"
    store = WindowedSQLTrackerStore(
        Domain.load(str(REPO / "domain.yml")), dialect="sqlite", db=str(db)
    )
    tracker = store.init_tracker("parent")
    typed = "I'm jane@example.com, 555-123-4567, student 20231234, ssn 123-45-6789"
    for event in [
        UserUttered(
            typed, {"name": "human_handoff", "confidence": 1.0}, parse_data={"text": typed}
        ),
        SlotSet("last_topic", "reach me at jane@example.com"),
        ActionExecuted("action_human_help"),
        BotUttered("We'll write to jane@example.com", {"custom": {"to": "555-123-4567"}}),
    ]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert tracker.latest_message.text == typed  # NLU and this turn's actions see it whole
    with sqlite3.connect(db) as connection:
        rows = connection.execute("SELECT * FROM events").fetchall()
    dump = json.dumps(rows)
    for original in ("jane@example.com", "555-123-4567", "20231234", "123-45-6789"):
        assert original not in dump
    assert "[email]" in dump and "[phone]" in dump and "[number]" in dump
    stored = asyncio.run(store.retrieve("parent"))
    assert stored.get_slot("last_topic") == "reach me at [email]"
