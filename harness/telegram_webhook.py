"""Telegram's inbound webhook as the app calls it (signed), and what the local fake of its
API received: for the tests and the messaging benchmark."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List

TOKEN, SECRET = "123456789:AAE-test-token-for-the-fake-bot-api00", "s3cret-token"


# The environment that turns this app on ({fake}: the fake API's URL); also used by
# scripts/benchmark_messaging.py.
APP_ENV = {
    "TELEGRAM_ACCESS_TOKEN": TOKEN,
    "TELEGRAM_BOT_NAME": "iep_mediation_bot",
    "TELEGRAM_SECRET_TOKEN": SECRET,
    "TELEGRAM_API_BASE_URL": "{fake}",
}


def post_update(servers, update: Dict[str, Any], secret: str = SECRET) -> int:
    request = urllib.request.Request(
        f"http://localhost:{servers.rasa_port}/webhooks/telegram/webhook",
        json.dumps(update).encode(),
        {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def message_update(chat_id: int, **content: Any) -> Dict[str, Any]:
    """A Bot API Update with a private-chat message (fields as Telegram sends them)."""
    user = {"id": chat_id, "is_bot": False, "first_name": "Ana", "language_code": "en"}
    return {
        "update_id": uuid.uuid4().int % 10**9,
        "message": {
            "message_id": 7,
            "from": user,
            "date": 1700000000,
            "chat": {"id": chat_id, "first_name": "Ana", "type": "private"},
            **content,
        },
    }


def sends(fake, count: int) -> List[Dict[str, Any]]:
    calls = [c for c in fake.wait_for(count) if c["path"].endswith("/sendMessage")]
    assert all(c["path"] == f"/bot{TOKEN}/sendMessage" for c in calls)
    return [c["body"] for c in calls]
