"""Plain text to HTML with every address a link: web addresses, e-mail and phone numbers.

Why: a parent on a phone should tap the parent center's address, not copy it, and a long
unbroken address in plain text made the FAQ scroll sideways at 320 px. The text comes from
the knowledge base; everything that is not an address is escaped.
"""

from __future__ import annotations

import re
from html import escape
from typing import Callable, Dict

LINK_CLASS = "faq-address"  # the link text is the address itself (print shows no copy)

_URL = r"(?P<url>\bhttps?://[^\s<>\"']+|\bwww\.[a-z0-9-]+\.[^\s<>\"']+)"
_EMAIL = r"(?P<email>\b[\w.%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b)"
# North American numbers as they are written: 800-555-0100, (800) 555-0100, 1-800-555-0100,
# +1 800.555.0100. Never a bare run of digits (regulation numbers, years).
_PHONE = r"(?P<phone>(?<![\w.+-])(?:\+?1[ .-])?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}(?![\w-]))"
ADDRESS = re.compile("|".join((_URL, _EMAIL, _PHONE)), re.IGNORECASE)
TRAILING = ".,;:!?'\""


def _trim_url(url: str) -> str:
    """Leave sentence punctuation and an unmatched closing bracket outside the link."""
    while url and (
        url[-1] in TRAILING
        or (url[-1] == ")" and url.count(")") > url.count("("))
        or (url[-1] == "]" and url.count("]") > url.count("["))
    ):
        url = url[:-1]
    return url


def phone_href(number: str) -> str:
    """'tel:+18005550100' for '(800) 555-0100' or '1-800-555-0100'."""
    digits = re.sub(r"\D", "", number)
    return "tel:+" + (digits if len(digits) == 11 else "1" + digits)


def _link(href: str, text: str) -> str:
    rel = ' rel="noopener"' if href.startswith("http") else ""
    return f'<a class="{LINK_CLASS}" href="{escape(href)}"{rel}>{escape(text)}</a>'


def _url_href(url: str) -> str:
    return url if url.lower().startswith("http") else "https://" + url


HREFS: Dict[str, Callable[[str], str]] = {
    "url": _url_href,
    "email": lambda address: "mailto:" + address,
    "phone": phone_href,
}


def linkify(text: str) -> str:
    """``text`` as escaped HTML in which each address is a link (https:, mailto:, tel:)."""
    out = []
    position = 0
    for match in ADDRESS.finditer(text):
        kind = match.lastgroup or ""
        found = match.group(kind)
        if kind == "url":
            found = _trim_url(found)
        if not found:
            continue
        start = match.start()
        out.append(escape(text[position:start]))
        out.append(_link(HREFS[kind](found), found))
        position = start + len(found)
    out.append(escape(text[position:]))
    return "".join(out)
