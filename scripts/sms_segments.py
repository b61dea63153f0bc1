"""SMS segments (issue 13): each topic's answer as SMS, and six scripted SMS conversations
held against the real servers with the local fake of Twilio's API. Usage:

    .venv/bin/python scripts/sms_segments.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import rendering  # noqa: E402
from channels.sms import segments  # noqa: E402
from channels.styles import render  # noqa: E402
from harness import twilio_webhook  # noqa: E402
from harness.fake_apps import FakeProvider, app_credentials  # noqa: E402
from harness.servers import Servers  # noqa: E402
from knowledge_base import load  # noqa: E402

STORY = (
    "My son is in fourth grade and has autism. Last year the school gave him a one to one "
    "aide and speech therapy twice a week, and he was doing so much better. This year they "
    "cut the aide without telling us, and the speech sessions went down to once a month. "
    "At the IEP meeting they said it was a budget decision and that he was fine without it, "
    "but his teacher says he is falling behind and melting down in class. We asked them to "
    "put the aide back and they refused. I am exhausted and I do not know what to do next. "
)
STORY = (STORY * 2)[:570].rsplit(" ", 1)[0] + ". Can mediation help us?"
CONVERSATIONS: List[Tuple[str, List[Dict[str, str]]]] = [
    ("a: first question, numbered pick", [{"Body": "is mediation free?"}, {"Body": "2"}]),
    ("b: tell me more", [{"Body": "is mediation free?"}, {"Body": "tell me more"}]),
    ("c: misspelled question", [{"Body": "do i need a lawer for mediaton"}]),
    (
        "d: something else, a miss",
        [{"Body": "mediation thing"}, {"Body": "something else"}, {"Body": "idk"}],
    ),
    ("e: the lawyer question", [{"Body": "do I need a lawyer?"}]),
    ("f: 600-character story", [{"Body": STORY}]),
    (
        "photo",
        [
            {
                "Body": "",
                "NumMedia": "1",
                "MediaUrl0": "https://api.twilio.com/m/ME1",
                "MediaContentType0": "image/jpeg",
            }
        ],
    ),
]


def answers() -> List[int]:
    kb = load()
    counts = []
    for topic_id in kb.topics:
        from rasa_sdk.executor import CollectingDispatcher

        dispatcher = CollectingDispatcher()
        dispatcher.utter_message(**rendering.answer_message(kb, topic_id))
        texts = [m["text"] for m in render("twilio", dispatcher.messages[0]) if m.get("text")]
        counts.append(sum(segments(p) for t in texts for p in t.split("\n\n")))
    return counts


def main() -> int:
    counts = answers()
    print(f"answers: {len(counts)} topics, mean {statistics.mean(counts):.2f}, max {max(counts)}")
    fake = FakeProvider()
    workdir = Path(tempfile.mkdtemp(prefix="iep-sms-"))
    env = twilio_webhook.APP_ENV
    servers = Servers(workdir, lambda port: app_credentials(workdir, env, fake.url, port))
    total = 0
    try:
        for name, turns in CONVERSATIONS:
            sender = "+1415555" + str(uuid.uuid4().int)[:4]
            fake.clear()
            for turn in turns:
                extra = {k: v for k, v in turn.items() if k != "Body"}
                twilio_webhook.inbound(servers, sender, turn["Body"], extra)
                time.sleep(1.5)
            bodies = [c["body"]["Body"] for c in fake.calls if "Body" in c["body"]]
            used = sum(segments(b) for b in bodies)
            total += used
            print(f"{name:34s} {len(bodies):2d} messages, {used:2d} segments")
            if "--show" in sys.argv:
                for body in bodies:
                    print(f"    [{segments(body)}] {body!r}")
    finally:
        servers.stop()
        fake.stop()
    print(f"total: {total} segments (target <= 40)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
