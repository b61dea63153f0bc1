"""Twilio's inbound webhook as the app calls it (signed), and what the local fake of its
API received: for the tests and the messaging benchmark."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Dict, List

from twilio.request_validator import RequestValidator

SID, TOKEN, NUMBER = "AC" + "1" * 32, "test-auth-token", "+15005550006"


# The environment that turns this app on ({fake}: the fake API's URL); also used by
# scripts/benchmark_messaging.py.
APP_ENV = {
    "TWILIO_ACCOUNT_SID": SID,
    "TWILIO_AUTH_TOKEN": TOKEN,
    "TWILIO_NUMBER": NUMBER,
    "TWILIO_API_BASE_URL": "{fake}",
}


def inbound(
    servers, sender: str, body: str, extra: Dict[str, str] = None, sign: bool = True
) -> int:
    """POST Twilio's inbound-message webhook (form fields as Twilio sends them)."""
    sid = "SM" + uuid.uuid4().hex
    form = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "94105",
        "SmsSid": sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "SAN FRANCISCO",
        "Body": body,
        "FromCountry": "US",
        "To": NUMBER,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": SID,
        "From": sender,
        "ApiVersion": "2010-04-01",
        **(extra or {}),
    }
    url = f"http://localhost:{servers.rasa_port}/webhooks/twilio/webhook"
    signature = RequestValidator(TOKEN).compute_signature(url, form) if sign else "bad"
    request = urllib.request.Request(
        url,
        urllib.parse.urlencode(form).encode(),
        {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as err:
        return err.code


def sent_bodies(fake, sender: str, at_least: int) -> List[str]:
    calls = fake.wait_for(at_least)
    assert all(c["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json" for c in calls)
    assert all(c["body"]["To"] == sender for c in calls)
    return [c["body"]["Body"] for c in calls]
