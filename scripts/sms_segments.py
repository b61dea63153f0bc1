"""SMS segments (issue 13): each topic's answer as SMS (English and Spanish), and scripted
SMS conversations held against the real servers with the local fake of Twilio's API: the
issue-13 set, six everyday ones (issue 20) and the same six in Spanish (issue 21). Usage:

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

from actions import rendering
from channels.reply_renderer import render
from channels.sms import segments
from contract.conversations import TWILIO
from harness import twilio_webhook
from harness.fake_apps import FakeProvider, app_credentials
from harness.servers import Servers
from knowledge_base import load

ROOT = Path(__file__).resolve().parent.parent

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


LONG_STORY = (
    "hi so my daughter is 9 and has dyslexia, she reads way below grade level and the school "
    "keeps saying she is making progress but she cries every night over homework. i asked "
    "them to test her again in september and they said no, she already had testing two years "
    "ago. i am a single mom and i work nights so i cant go to meetings during the day and i "
    "cant pay a lawyer. a lady at church told me about mediation but i dont really get what "
    "that is or if it would even help. what do i do"
)
# Issue 20, item 6: six everyday conversations, measured before and after the SMS changes.
EVERYDAY: List[Tuple[str, List[Dict[str, str]]]] = [
    ("1: greeting", [{"Body": "hi"}]),
    ("2: cost, then a number", [{"Body": "how much does mediation cost"}, {"Body": "1"}]),
    ("3: can't agree, then menu", [{"Body": "what if we cant agree"}, {"Body": "menu"}]),
    ("4: misspelled vague opener", [{"Body": "medation sombody said i shud do it??"}]),
    (
        "5: lawyer, then request",
        [{"Body": "do i need a lawyer"}, {"Body": "how do i ask for mediation"}],
    ),
    ("6: long story", [{"Body": LONG_STORY}]),
]

# Issue 21: the same six situations as Spanish-speaking parents text them (no accents, short).
# By SMS the Spanish replies drop á, í, ó, ú to stay GSM-7 (channels/sms.py); they must cost
# no more segments than the English six.
HISTORIA = (
    "hola mi hija tiene 9 años y tiene dislexia, lee muy por debajo de su grado y la escuela "
    "dice que va progresando pero llora todas las noches con la tarea. en septiembre les pedi "
    "que la evaluaran otra vez y dijeron que no, que ya la evaluaron hace dos años. soy mama "
    "soltera y trabajo de noche asi que no puedo ir a reuniones de dia y no puedo pagar un "
    "abogado. una señora de la iglesia me hablo de la mediacion pero no entiendo bien que es "
    "o si me ayudaria. que hago"
)
COTIDIANAS: List[Tuple[str, List[Dict[str, str]]]] = [
    ("1: saludo", [{"Body": "hola buenas tardes"}]),
    ("2: costo, luego un numero", [{"Body": "cuanto cuesta la mediacion"}, {"Body": "1"}]),
    (
        "3: sin acuerdo, luego menu",
        [{"Body": "y si no llegamos a un acuerdo"}, {"Body": "menu"}],
    ),
    ("4: pregunta vaga mal escrita", [{"Body": "mediasion alguien me dijo q la pida??"}]),
    (
        "5: abogado, luego pedirla",
        [{"Body": "necesito un abogado"}, {"Body": "como pido la mediacion"}],
    ),
    ("6: historia larga", [{"Body": HISTORIA}]),
]


def answers(language: str = "en") -> List[int]:
    kb = load()
    counts = []
    for topic_id in kb.topics:
        from rasa_sdk.executor import CollectingDispatcher

        dispatcher = CollectingDispatcher()
        dispatcher.utter_message(**rendering.answer_message(kb, topic_id, language=language))
        texts = [m["text"] for m in render(TWILIO, dispatcher.messages[0]) if m.get("text")]
        counts.append(sum(segments(p) for t in texts for p in t.split("\n\n")))
    return counts


def main() -> int:
    for language in ("en", "es"):
        counts = answers(language)
        print(
            f"answers ({language}): {len(counts)} topics, mean {statistics.mean(counts):.2f},"
            f" max {max(counts)}"
        )
    fake = FakeProvider()
    workdir = Path(tempfile.mkdtemp(prefix="iep-sms-"))
    env = twilio_webhook.APP_ENV
    servers = Servers(workdir, lambda port: app_credentials(workdir, env, fake.url, port))
    try:
        total = _run(servers, fake, CONVERSATIONS)
        print(f"total: {total} segments (target <= 40)")
        everyday = _run(servers, fake, EVERYDAY)
        # 39 before issue 20's changes (0cd66d7, same script): the target is 25 % less.
        print(f"everyday conversations (issue 20): {everyday} segments (target <= 29)")
        spanish = _run(servers, fake, COTIDIANAS)
        print(f"everyday conversations in Spanish (issue 21): {spanish} segments")
        verdict = "ok" if spanish <= everyday else "MORE than English"
        print(f"English {everyday} vs Spanish {spanish} segments: {verdict}")
    finally:
        servers.stop()
        fake.stop()
    return 0


def _run(servers: Servers, fake: FakeProvider, conversations) -> int:
    """Hold each conversation as a new SMS parent; the segments Twilio would bill."""
    total = 0
    for name, turns in conversations:
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
    return total


if __name__ == "__main__":
    sys.exit(main())
