"""Messaging apps are configured from the environment, and only when fully set."""
from __future__ import annotations

from channels import app_settings

TWILIO = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t", "TWILIO_NUMBER": "+15005550006"}


def test_nothing_set_means_only_the_web_channels():
    creds = app_settings.credentials({})
    assert set(creds) == {"channels.rest.RestChannel", "channels.socketio.SocketIOChannel",
                          "channels.faq_search.FaqSearchInput"}
    assert app_settings.enabled({}) == [] and app_settings.webhook_urls({}) == []


def test_an_app_is_on_only_when_all_its_variables_are_set():
    partial = {k: v for k, v in TWILIO.items() if k != "TWILIO_AUTH_TOKEN"}
    assert app_settings.enabled(partial) == []
    env = {**TWILIO, "PUBLIC_URL": "https://bot.example.org/"}
    [app] = app_settings.enabled(env)
    creds = app_settings.credentials(env)[app.connector]
    assert creds == {"account_sid": "AC1", "auth_token": "t", "twilio_number": "+15005550006",
                     "webhook_url": "https://bot.example.org/webhooks/twilio/webhook"}
    assert app_settings.webhook_urls(env) == [
        ("SMS and WhatsApp (Twilio)", "https://bot.example.org/webhooks/twilio/webhook")]


def test_every_app_names_its_variables_and_no_secret_is_committed():
    committed = (app_settings.REPO / "credentials.yml").read_text()
    for app in app_settings.APPS:
        assert app.required and app.webhook_path.startswith("/webhooks/")
        for _, variable in app.required:
            assert variable.isupper() and variable not in committed
