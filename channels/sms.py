"""SMS text as a phone bills it: GSM-7 (160 characters a segment, 153 each when longer)
unless one character is outside it, then UCS-2 (70, 67). ``to_gsm7`` turns our typography
into plain GSM-7 equivalents so that replies by SMS stay in GSM-7.

Spanish by SMS (issue 21): the GSM 03.38 default alphabet has é, É, ñ, Ñ, ü, Ü, ¿ (0x60)
and ¡ (0x40), so those stay; the issue said ¿ and ¡ were outside GSM-7, which the table
below (checked against 3GPP TS 23.038) and ``segments`` disprove. It has no á, í, ó, ú, Á,
Í, Ó, Ú: a single one would make the whole message UCS-2, 70 characters a segment instead
of 160, so SMS writes the plain vowel ("mediación" -> "mediacion"), as Spanish-speaking
parents themselves text. Guillemets and the other typography Spanish text may carry get
plain equivalents. Only SMS pays this price: WhatsApp (not billed by segment), Telegram,
Messenger, Slack and the web keep every accent (``channels/reply_renderer.py``, ``gsm7``)."""

from __future__ import annotations

import unicodedata

# GSM 03.38: the basic set (one septet each) and the extension table (two: escape + char).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

_PLAIN = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "‹": "'",
    "›": "'",
    "″": '"',
    "•": "-",
    "·": "-",
    "¶": "para ",
    "§": "Sec. ",
    "…": "...",
    "–": "-",
    "—": "-",
    "‑": "-",
    "−": "-",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200b": "",
    "©": "(c)",
    "®": "(R)",
    "™": "(TM)",
    "→": "->",
}


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def to_gsm7(text: str) -> str:
    """The text in GSM-7: typography to plain equivalents, accents dropped where GSM-7
    has no such letter, anything else left as '?'."""
    out = []
    for char in text:
        if char in _PLAIN:
            out.append(_PLAIN[char])
        elif char in GSM7_BASIC or char in GSM7_EXTENSION:
            out.append(char)
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
            out.append(base if base and is_gsm7(base) else "?")
    return "".join(out).replace("  ", " ")


def segments(text: str) -> int:
    """How many SMS segments one message of this text costs."""
    if is_gsm7(text):
        length = sum(2 if c in GSM7_EXTENSION else 1 for c in text)
        return 1 if length <= 160 else -(-length // 153)
    units = len(text.encode("utf-16-le")) // 2
    return 1 if units <= 70 else -(-units // 67)
