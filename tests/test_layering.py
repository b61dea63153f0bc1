"""The Rasa server runs without the action server's code: nothing it loads imports ``actions``."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import channels

REPO = Path(__file__).resolve().parent.parent
# What the Rasa server loads: its entry point, the stores endpoints.yml names, and every
# channel credentials.yml or app_settings can turn on.
RASA_SERVER_MODULES = [
    "service.rasa_server",
    "service.degraded_actions",
    "service.http_headers",
    "service.tracker_store",
    "service.strict_tracker_store",
    "service.lock_store",
    "rasa_ext",
    "rasa_ext.actions",
    "rasa_ext.stores",
    "rasa_ext.connectors",
    "rasa_ext.nlu",
] + sorted(f"channels.{m.name}" for m in pkgutil.iter_modules(channels.__path__))

PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m == "actions" or m.startswith("actions."))))
"""


def test_every_channel_module_is_checked():
    assert {
        "channels.rest",
        "channels.socketio",
        "channels.faq_search",
        "channels.slack_app",
        "channels.messenger_app",
        "channels.telegram_app",
        "channels.twilio_text",
    } <= set(RASA_SERVER_MODULES)


def test_rasa_server_and_channels_import_nothing_from_actions():
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *RASA_SERVER_MODULES],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
