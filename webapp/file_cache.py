"""The site's files in memory with their compressed forms and an ETag, per file and mtime.

Why: the widget and the FAQ are mostly text (90 KB raw, about a third of that compressed),
and a parent on a phone pays for every byte. Brotli at its best quality is slow (tens of
milliseconds for the widget), so each file is compressed once per version (path + mtime +
size) and kept, never once per request. A file edited on disk gets a new entry on its
next request, so the knowledge base's rebuilt FAQ is served at once.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional, Tuple

import brotli

# Types worth compressing; images such as PNG are compressed already.
TEXT_TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")
# Below this, headers cost more than compression saves.
MIN_SIZE = 256
# Preferred first when the browser accepts several.
ENCODINGS = ("br", "gzip")


def is_text(mime: str) -> bool:
    """Whether a response of this type is compressed."""
    return mime.startswith(TEXT_TYPES)


def accepted_encodings(header: str) -> Dict[str, float]:
    """``Accept-Encoding`` as {coding: q}, e.g. "gzip, br;q=0.5" -> {"gzip": 1, "br": .5}."""
    accepted: Dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if name.strip():
            accepted[name.strip().lower()] = q
    return accepted


def choose_encoding(header: str) -> str:
    """The best coding this server has that the browser accepts ("" means none)."""
    accepted = accepted_encodings(header)
    for coding in ENCODINGS:
        if accepted.get(coding, accepted.get("*", 0.0)) > 0:
            return coding
    return ""


def compress(body: bytes, coding: str) -> bytes:
    """``body`` in ``coding`` at the best ratio: done once per file version."""
    if coding == "br":
        return bytes(brotli.compress(body, quality=11))
    return gzip.compress(body, compresslevel=9, mtime=0)


@dataclass
class Entry:
    """One version of one file: its bytes, its tag and the compressed forms made so far."""

    version: Tuple[int, int]
    body: bytes
    tag: str
    encoded: Dict[str, bytes] = field(default_factory=dict)

    def etag(self, coding: str) -> str:
        """Each representation has its own strong tag: a cache must not give gzip bytes
        to a browser that asked without it."""
        return f'"{self.tag}-{coding}"' if coding else f'"{self.tag}"'


@dataclass(frozen=True)
class Representation:
    """What to send for one request: the bytes, their coding ("" = as on disk), the ETag."""

    body: bytes
    coding: str
    etag: str


class FileCache:
    """The files under one site root, read and compressed once per version."""

    def __init__(self) -> None:
        self._entries: Dict[Path, Entry] = {}
        self._lock = asyncio.Lock()

    async def _entry(self, path: Path) -> Entry:
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size)
        entry = self._entries.get(path)
        if entry is None or entry.version != version:
            body = await asyncio.to_thread(path.read_bytes)
            tag = hashlib.sha256(body).hexdigest()[:20]
            entry = Entry(version, body, tag)
            self._entries[path] = entry
        return entry

    async def get(self, path: Path, mime: str, accept_encoding: str) -> Representation:
        """The representation of ``path`` for a browser sending ``accept_encoding``."""
        async with self._lock:
            entry = await self._entry(path)
            coding = (
                choose_encoding(accept_encoding)
                if is_text(mime) and len(entry.body) >= MIN_SIZE
                else ""
            )
            if coding and coding not in entry.encoded:
                entry.encoded[coding] = await asyncio.to_thread(compress, entry.body, coding)
            body = entry.encoded[coding] if coding else entry.body
            return Representation(body, coding, entry.etag(coding))


def not_modified(if_none_match: Optional[str], etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, as RFC 9110 says for GET)."""
    if not if_none_match:
        return False
    tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
    return "*" in tags or etag in tags
