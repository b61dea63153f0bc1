"""The site build gives the widget what it needs in Spanish (issue 21): the notice in both
languages inside the bundle, the help contacts in both languages, the Spanish demo page."""

from __future__ import annotations

import json
import re

from contract import SPANISH
from knowledge_base.notice import notice_text
from scripts.build_site import build


def _fragment(text: str) -> str:
    """The longest stretch of ``text`` that esbuild writes unchanged (no quotes, no
    non-ASCII: it may escape those)."""
    return max(re.split(r"[^\x20-\x7e]|[\"'`\\]", text), key=len)


def test_the_bundle_carries_the_notice_in_english_and_spanish(tmp_path, kb):
    build(tmp_path / "site", "http://example.test:5005")
    bundle = (tmp_path / "site" / "widget" / "iep-chat.js").read_text(encoding="utf-8")
    english, spanish = notice_text(kb), notice_text(kb, SPANISH)
    assert english != spanish
    for notice in (english, spanish):
        assert len(_fragment(notice)) > 40 and _fragment(notice) in bundle
    assert "IEP_NOTICE" not in bundle  # both replaced by the build, none left undefined
    contacts = json.loads((tmp_path / "site" / "widget" / "help-contacts.json").read_text())
    assert contacts["help_contacts"] == [{"name": c.name, "how": c.how} for c in kb.help_contacts]
    assert contacts["help_contacts_es"] == [
        {"name": c.es.name, "how": c.es.how} for c in kb.help_contacts
    ]
    page = (tmp_path / "site" / "demo" / "es" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="es">' in page and '<script src="/demo/es/chat-config.js">' in page
    config = (tmp_path / "site" / "demo" / "es" / "chat-config.js").read_text()
    assert 'serverUrl: "http://example.test:5005"' in config and "title:" not in config
