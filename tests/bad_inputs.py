"""One corpus of bad or hostile message texts, run against every channel (REST and
socket.io in tests/test_hardening_e2e.py, the messaging apps in tests/test_messaging_*.py).

Each case says a phrase the reply must contain and one it must not: a parent always gets
a clear reply, and a typed payload never acts."""

from __future__ import annotations

from typing import Dict, NamedTuple

from channels.input_guard import MAX_MESSAGE_CHARS


class BadText(NamedTuple):
    text: str
    expect: str  # the reply contains this
    forbid: str = "\x00"  # and never this


BAD_TEXTS: Dict[str, BadText] = {
    "empty": BadText("", "didn't get any words"),
    "blank": BadText("   \n\t  ", "didn't get any words"),
    "null bytes": BadText("is mediation\x00 free?\x00", "Mediation is free"),
    "lone surrogate": BadText("\ud83d is mediation free?", "Mediation is free"),
    "control characters": BadText("\x01\x02\x03\x04\x05\x06", "didn't get any words"),
    "symbols only": BadText("?!?! ... :-( ###", "only read text"),
    "emoji only": BadText("\U0001f62d\U0001f62d\U0001f62d", "only read text"),
    "script markup": BadText(
        "<script>alert(1)</script> is mediation free?", "Mediation is free", "<script"
    ),
    "too long": BadText(
        "My son has autism and the school keeps cutting his services. " * (MAX_MESSAGE_CHARS // 50),
        "shorten",
    ),
    "another language": BadText(
        "¿La mediación es gratis para los padres? No entiendo nada.", "only answer in English"
    ),
    "typed restart": BadText("/restart", "", "This assistant shares general information"),
    "typed session start": BadText(
        "/session_start", "", "This assistant shares general information"
    ),
    "typed feedback": BadText(
        '/feedback{"helpful": "no", "topic": "cost"}', "", "Sorry that didn't help"
    ),
    "typed slot injection": BadText('/give_state{"us_state": "<b>Narnia</b>"}', "", "Narnia"),
}
