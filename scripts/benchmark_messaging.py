"""Round trip per messaging app: inbound webhook posted -> first outbound reply call seen.

Starts the servers with every app on, their APIs pointed at one local fake provider, and
sends N sequential questions per app in that app's real webhook format (the same payloads
as the end-to-end tests). Prints p50/p95 per app. Usage:

    .venv/bin/python scripts/benchmark_messaging.py [--messages 50]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, List

from harness import messenger_webhook, slack_webhook, telegram_webhook, twilio_webhook
from harness.fake_apps import FakeProvider, app_credentials
from harness.servers import Servers

ROOT = Path(__file__).resolve().parent.parent

QUESTIONS = [
    "is mediation free",
    "is mediation voluntary",
    "how long does mediation take",
    "is the signed agreement binding",
    "who picks the mediator",
]


def is_reply(call: Dict) -> bool:
    """An outbound call that carries reply text (not, say, Messenger's "typing" signal)."""
    body = call["body"] if isinstance(call["body"], dict) else {}
    return any(key in body for key in ("Body", "text", "message"))


def senders() -> Dict[str, Callable]:
    """App -> function(servers, question) that posts one inbound message as the app does."""
    return {
        "twilio": lambda s, q: twilio_webhook.inbound(s, "+1415555" + str(uuid.uuid4().int)[:4], q),
        "telegram": lambda s, q: telegram_webhook.post_update(
            s, telegram_webhook.message_update(uuid.uuid4().int % 10**6, text=q)
        ),
        "facebook": messenger_webhook.benchmark_send,
        "slack": slack_webhook.benchmark_send,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50)
    args = parser.parse_args()
    fake = FakeProvider()
    env = {
        **twilio_webhook.APP_ENV,
        **telegram_webhook.APP_ENV,
        **messenger_webhook.APP_ENV,
        **slack_webhook.APP_ENV,
    }
    workdir = Path(tempfile.mkdtemp(prefix="iep-messaging-"))

    servers = Servers(workdir, lambda port: app_credentials(workdir, env, fake.url, port))
    try:
        for app, send in senders().items():
            timings: List[float] = []
            for i in range(args.messages):
                fake.clear()
                started = time.perf_counter()
                send(servers, QUESTIONS[i % len(QUESTIONS)])
                replies = []
                deadline = time.time() + 30
                while not replies and time.time() < deadline:
                    replies = [c for c in fake.calls if is_reply(c)]
                    time.sleep(0.002)
                if replies:
                    timings.append((replies[0]["at"] - started) * 1000)
            timings.sort()
            if timings:
                p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
                print(
                    f"{app:9s} webhook -> outbound call, {len(timings)} messages: "
                    f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms"
                )
    finally:
        servers.stop()
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
