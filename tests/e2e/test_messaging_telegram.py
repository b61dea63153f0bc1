"""Telegram end to end: Bot API updates in, Rasa's real Telegram output out, caught by a
local fake of the Bot API."""

from __future__ import annotations

import json
import sqlite3
import uuid

import pytest
import yaml

from contract.conversations import conversation_key
from harness.fake_apps import running_app
from harness.servers import MODEL, REPO
from harness.telegram_webhook import (
    APP_ENV,
    SECRET,
    message_update,
    post_update,
    sends,
)
from tests.bad_inputs import BAD_TEXTS

pytestmark = pytest.mark.skipif(not MODEL.exists(), reason="no trained model: run `make test`")


@pytest.fixture(scope="module")
def telegram(tmp_path_factory):
    yield from running_app(tmp_path_factory.mktemp("telegram"), APP_ENV)


def test_webhook_was_registered_with_the_secret_token(telegram):
    _, fake = telegram
    [register] = [c for c in fake.calls if c["path"].endswith("/setWebhook")][:1]
    assert register["body"]["secret_token"] == SECRET
    assert register["body"]["url"].endswith("/webhooks/telegram/webhook")


def test_question_gets_answer_source_and_a_keyboard_whose_tap_asks_the_topic(telegram, kb):
    servers, fake = telegram
    fake.clear()
    chat = 10_000 + uuid.uuid4().int % 10_000
    assert post_update(servers, message_update(chat, text="is mediation free?")) == 200
    # The notice first; then Rasa's Telegram output sends a text with buttons as one
    # message, keyboard attached.
    notice, body = sends(fake, 2)
    assert notice["text"] == f"{kb.notice.disclaimer} {kb.notice.privacy}"
    assert int(body["chat_id"]) == chat
    answer, source = body["text"].split("\n\n")
    assert answer == kb.topic("cost").answer and source.startswith("Source: ")
    keyboard = json.loads(body["reply_markup"])["inline_keyboard"]
    assert [row[0]["callback_data"] for row in keyboard] == [
        f"/ask_{t}" for t in kb.topic("cost").related
    ]
    assert all(len(row) == 1 and len(row[0]["text"]) <= 40 for row in keyboard)
    # Tapping a button sends its callback data back as a callback_query.
    fake.clear()
    tap = {
        "update_id": 2,
        "callback_query": {
            "id": "4382",
            "from": {"id": chat, "is_bot": False, "first_name": "Ana"},
            "chat_instance": "-1",
            "data": keyboard[1][0]["callback_data"],
            "message": {
                "message_id": 8,
                "date": 1700000001,
                "text": body["text"],
                "chat": {"id": chat, "type": "private"},
            },
        },
    }
    assert post_update(servers, tap) == 200
    assert sends(fake, 1)[0]["text"].startswith(kb.topic(kb.topic("cost").related[1]).answer)


def test_wrong_secret_token_is_rejected_and_gets_no_reply(telegram):
    servers, fake = telegram
    fake.clear()
    assert post_update(servers, message_update(55, text="is mediation free?"), secret="nope") == 403
    assert fake.wait_for(1, timeout=3) == []


@pytest.mark.parametrize(
    "content",
    [
        {
            "sticker": {
                "file_id": "CAAC",
                "file_unique_id": "AgAD",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            }
        },
        {"photo": [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}]},
        {"location": {"latitude": 37.77, "longitude": -122.41}},
    ],
)
def test_sticker_photo_or_location_gets_a_polite_only_text_reply(telegram, kb, content):
    servers, fake = telegram
    fake.clear()
    chat = 20_000 + uuid.uuid4().int % 10_000
    assert post_update(servers, message_update(chat, **content)) == 200
    notice, body = sends(fake, 2)
    assert notice["text"].startswith(kb.notice.disclaimer)
    assert "only read text" in body["text"] and int(body["chat_id"]) == chat


@pytest.mark.parametrize("command", ["/start", "/start from-our-site"])
def test_telegrams_start_button_gets_the_greeting_not_a_decline(telegram, command):
    """Every Telegram chat opens with "/start" (Start button; a deep link adds a parameter).
    Found trying the bot by hand: it was read as the word "start" and declined."""
    servers, fake = telegram
    fake.clear()
    chat = 50_000 + uuid.uuid4().int % 10_000
    assert post_update(servers, message_update(chat, text=command)) == 200
    greeting = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]["utter_greet"][0]
    notice, body = sends(fake, 2)
    assert body["text"] == greeting["text"]
    keyboard = json.loads(body["reply_markup"])["inline_keyboard"]
    assert all(row[0]["callback_data"].startswith("/ask_") for row in keyboard)


@pytest.mark.parametrize("name", sorted(BAD_TEXTS))
def test_every_bad_text_gets_a_clear_reply_on_telegram(telegram, name):
    """The shared bad-input corpus (tests/bad_inputs.py); a message without text is what
    Telegram sends for a photo or sticker, so it gets the "only text" reply."""
    servers, fake = telegram
    case, chat = BAD_TEXTS[name], 20_000 + uuid.uuid4().int % 10_000
    fake.clear()
    assert post_update(servers, message_update(chat, text="hello")) == 200
    fake.wait_for(2)
    fake.clear()
    assert post_update(servers, message_update(chat, text=case.text)) == 200
    said = "\n".join(body["text"] for body in sends(fake, 1))
    expect = "only read text" if not case.text else case.expect
    assert said.strip() and expect in said, (name, said[:300])
    assert case.forbid not in said, (name, said[:300])


def test_a_rest_client_naming_a_telegram_chat_id_can_neither_read_nor_erase_that_chat(telegram):
    """Conversations are keyed by channel and sender (contract/conversations.py): chat ids
    are short numbers, and REST lets a client name any sender."""
    servers, fake = telegram
    chat = 30_000 + uuid.uuid4().int % 10_000
    fake.clear()
    assert (
        post_update(servers, message_update(chat, text="we're in Ohio. is mediation free?")) == 200
    )
    fake.wait_for(2)
    # Over REST, the same number is a different, new conversation.
    said = " ".join(m.get("text") or "" for m in servers.ask(str(chat), "tell me more"))
    assert "What federal law says" not in said
    servers.ask(str(chat), "/confirm_erase")
    db = servers.workdir / "tracker.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        (rows,) = connection.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?",
            (conversation_key("telegram", str(chat)),),
        ).fetchone()
    assert rows > 0
    # The Telegram parent's conversation is whole: "tell me more" follows the last topic.
    fake.clear()
    assert post_update(servers, message_update(chat, text="tell me more")) == 200
    assert "What federal law says" in "\n".join(body["text"] for body in sends(fake, 1))


def _user_metadata(servers, chat: int) -> list:
    """The metadata of each message the Telegram connector handed to Rasa, as stored."""
    db = servers.workdir / "tracker.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        rows = connection.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id",
            (conversation_key("telegram", str(chat)),),
        ).fetchall()
    return [json.loads(data).get("metadata") or {} for (data,) in rows]


def test_a_spanish_telegram_user_gets_spanish_with_accents_and_the_language_hint(telegram, kb):
    """Issue 21: the sender's language_code ("es-MX") goes to Rasa as metadata["language"]
    (the server reads it at session start); a Spanish question gets the Spanish answer with
    every accent, its source line and a keyboard of Spanish titles."""
    servers, fake = telegram
    fake.clear()
    chat = 40_000 + uuid.uuid4().int % 10_000
    update = message_update(chat, text="cuanto cuesta la mediacion con el distrito escolar?")
    update["message"]["from"]["language_code"] = "es-MX"
    assert post_update(servers, update) == 200
    body = sends(fake, 2)[-1]
    answer, source = body["text"].split("\n\n")
    assert answer == kb.topic("cost").es.answer and source.startswith("Fuente: ")
    keyboard = json.loads(body["reply_markup"])["inline_keyboard"]
    titles = [kb.topic(t).es.title for t in kb.topic("cost").related]
    assert [row[0]["text"] for row in keyboard] == titles  # all within 40 characters
    assert [m.get("language") for m in _user_metadata(servers, chat)] == ["es"]


@pytest.mark.parametrize("locale, expected", [("en-US", "en"), ("pt-BR", None), (None, None)])
def test_only_our_languages_become_a_hint(telegram, locale, expected):
    servers, fake = telegram
    fake.clear()
    chat = 50_000 + uuid.uuid4().int % 10_000
    update = message_update(chat, text="is mediation free?")
    update["message"]["from"].pop("language_code")
    if locale:
        update["message"]["from"]["language_code"] = locale
    assert post_update(servers, update) == 200
    sends(fake, 2)
    assert [m.get("language") for m in _user_metadata(servers, chat)] == [expected]


def test_a_spanish_telegram_user_gets_the_spanish_notice_first(telegram, kb):
    servers, fake = telegram
    fake.clear()
    chat = 60_000 + uuid.uuid4().int % 10_000
    update = message_update(chat, text="hola")
    update["message"]["from"]["language_code"] = "es"
    assert post_update(servers, update) == 200
    notice = sends(fake, 2)[0]
    assert notice["text"] == f"{kb.notice.es.disclaimer} {kb.notice.es.privacy}"
