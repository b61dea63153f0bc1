"""The site build writes every value the widget shares with the server from contract/
(contract/widget.py): the built bundle carries the contract's values, the server's
retention period included, and no global is left for the browser to miss."""

from __future__ import annotations

import json
import re

from contract import CONVERSATION_ERASED, limits, payloads
from contract.widget import widget_defines
from scripts.build_site import build


def test_the_bundle_carries_the_contract_values(tmp_path, monkeypatch):
    monkeypatch.setenv("RETENTION_DAYS", "37")  # the server's period, not the default
    build(tmp_path / "site", "http://example.test:5005")
    bundle = (tmp_path / "site" / "widget" / "iep-chat.js").read_text(encoding="utf-8")
    defines = widget_defines(retention_days=37)
    for name, value in defines.items():
        assert name not in bundle  # replaced by the build, none left undefined
        if isinstance(value, str):
            assert json.dumps(value) in bundle, name
    assert {
        payloads.HUMAN_HANDOFF,
        payloads.CONFIRM_ERASE,
        payloads.FEEDBACK,
        *payloads.SWITCH_TO.values(),
        CONVERSATION_ERASED,
    } <= set(defines.values())
    # Numbers: esbuild may write 2000 as 2e3; the minified defaults keep their key names.
    defaults = re.finditer(r"(maxLength|retentionDays):(\d[\w.]*)", bundle)
    numbers = {m.group(1): m.group(2) for m in defaults}
    assert float(numbers["maxLength"]) == limits.MAX_MESSAGE_CHARS
    assert float(numbers["retentionDays"]) == 37
