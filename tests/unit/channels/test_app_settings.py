"""Messaging apps are configured from the environment, and only when fully set."""

from __future__ import annotations

import re
import subprocess

import pytest

from channels import app_settings

TWILIO = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_NUMBER": "+15005550006"}


def test_nothing_set_means_only_the_web_channels():
    creds = app_settings.credentials({})
    assert set(creds) == {
        "channels.rest.RestChannel",
        "channels.socketio.SocketIOChannel",
        "channels.faq_search.FaqSearchInput",
    }
    assert app_settings.enabled({}) == [] and app_settings.webhook_urls({}) == []


def test_an_app_is_on_only_when_all_its_variables_are_set():
    partial = {k: v for k, v in TWILIO.items() if k != "TWILIO_AUTH_TOKEN"}
    assert app_settings.enabled(partial) == []
    env = {**TWILIO, "PUBLIC_URL": "https://bot.example.org/"}
    [app] = app_settings.enabled(env)
    creds = app_settings.credentials(env)[app.connector]
    assert creds == {
        "account_sid": "AC1",
        "auth_token": "t",
        "twilio_number": "+15005550006",
        "webhook_url": "https://bot.example.org/webhooks/twilio/webhook",
    }
    assert app_settings.webhook_urls(env) == [
        ("SMS and WhatsApp (Twilio)", "https://bot.example.org/webhooks/twilio/webhook")
    ]


# What the apps' secrets look like (Twilio account SIDs and auth tokens, Slack tokens,
# Telegram bot tokens, Meta page tokens, private keys); the fakes live in tests/ and harness/.
SECRET_SHAPES = re.compile(
    r"AC[0-9a-f]{32}|xox[abposr]-[0-9A-Za-z-]{10,}|\b\d{8,10}:[A-Za-z0-9_-]{35}\b"
    r"|EAA[A-Za-z0-9]{30,}|-----BEGIN [A-Z ]*PRIVATE KEY-----|auth_token:\s*['\"]?[0-9a-f]{32}"
)


def test_every_app_names_its_variables_and_credentials_come_from_the_environment():
    committed = (app_settings.REPO / "credentials.yml").read_text()
    for app in app_settings.APPS:
        assert app.required and app.webhook_path.startswith("/webhooks/")
        for _, variable in app.required:
            assert variable.isupper() and variable not in committed


def test_no_secret_value_is_committed_outside_the_test_fakes():
    files = subprocess.run(
        ["git", "ls-files"], cwd=app_settings.REPO, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in files:
        if name.startswith(("tests/", "harness/", "node_modules/")) or name.endswith(
            (".png", ".lock")
        ):
            continue
        text = (app_settings.REPO / name).read_text(encoding="utf-8", errors="ignore")
        found += [f"{name}: {m.group(0)[:12]}…" for m in SECRET_SHAPES.finditer(text)]
    assert found == []


def test_the_secret_shapes_catch_real_looking_secrets():
    for sample in (
        "AC" + "a1" * 16,
        "xoxb-1234567890-abcdefghij",
        "123456789:" + "A" * 35,
        "EAA" + "b" * 40,
        "auth_token: " + "f" * 32,
    ):
        assert SECRET_SHAPES.search(sample), sample


@pytest.mark.parametrize(
    "value, on",
    [(None, False), ("", False), ("0", False), ("no", False), ("1", True), (" TRUE ", True)],
)
def test_socketio_source_in_text_is_off_unless_set(value, on):
    env = {} if value is None else {"SOCKETIO_SOURCE_IN_TEXT": value}
    assert app_settings.socketio_source_in_text(env) is on
