"""Messenger's inbound webhook as the app calls it (signed), and what the local fake of its
API received: for the tests and the messaging benchmark."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, List

VERIFY, SECRET, PAGE_TOKEN = "verify-me", "test-app-secret", "EAAtestpagetoken"


PAGE_ID = "106000000000001"


# The environment that turns this app on ({fake}: the fake API's URL); also used by
# scripts/benchmark_messaging.py.
APP_ENV = {
    "FACEBOOK_VERIFY_TOKEN": VERIFY,
    "FACEBOOK_APP_SECRET": SECRET,
    "FACEBOOK_PAGE_ACCESS_TOKEN": PAGE_TOKEN,
    "FACEBOOK_API_BASE_URL": "{fake}",
}


def new_psid() -> str:
    return "7" + str(uuid.uuid4().int)[:15]


def webhook_event(psid: str, message: Dict[str, Any]) -> Dict[str, Any]:
    """Messenger's webhook body for one incoming message (fields as Meta sends them)."""
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE_ID,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": psid},
                        "recipient": {"id": PAGE_ID},
                        "timestamp": now,
                        "message": {"mid": "m_" + uuid.uuid4().hex, **message},
                    }
                ],
            }
        ],
    }


def post(servers, payload: Dict[str, Any], sign: bool = True, sha1_only: bool = False) -> int:
    """POST a webhook event signed as Meta signs it (``X-Hub-Signature-256``); ``sign=False``
    signs with a wrong digest, ``sha1_only`` sends only the old SHA-1 ``X-Hub-Signature``."""
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if sha1_only:
        headers["X-Hub-Signature"] = (
            "sha1=" + hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
        )
    else:
        digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        headers["X-Hub-Signature-256"] = "sha256=" + (digest if sign else "0" * 64)
    request = urllib.request.Request(
        f"http://localhost:{servers.rasa_port}/webhooks/facebook/webhook", body, headers
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def sent_messages(fake, psid: str, at_least: int) -> List[Dict[str, Any]]:
    """The ``message`` objects sent to ``psid`` (sender actions such as typing_on left out)."""
    calls = fake.wait_for(at_least)
    for call in calls:
        path, _, query = call["path"].partition("?")
        assert path.endswith("/me/messages") and path.startswith("/v")
        assert urllib.parse.parse_qs(query)["access_token"] == [PAGE_TOKEN]
        assert call["body"]["recipient"] == {"id": psid}
    return [c["body"]["message"] for c in calls if "message" in c["body"]]


def benchmark_send(servers, question: str) -> int:
    return post(servers, webhook_event(new_psid(), {"text": question}))
