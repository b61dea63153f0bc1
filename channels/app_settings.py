"""Which messaging apps are on, from environment variables (never from committed secrets).

A channel is on only when all of its required variables are set. ``credentials`` builds
the Rasa credentials (the web channels from credentials.yml plus every app that is on);
``webhook_urls`` says what to register with each app.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Tuple

import yaml

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class AppChannel:
    """One messaging app: its Rasa connector and the variables that configure it."""

    title: str
    connector: str  # key in credentials.yml (module path or Rasa name)
    webhook_path: str  # where the app posts, under the public URL
    required: Tuple[Tuple[str, str], ...]  # (credential key, environment variable)
    optional: Tuple[Tuple[str, str], ...] = ()


APPS: Tuple[AppChannel, ...] = (
    AppChannel(
        "SMS and WhatsApp (Twilio)",
        "channels.twilio_text.TwilioTextInput",
        "/webhooks/twilio/webhook",
        (
            ("account_sid", "TWILIO_ACCOUNT_SID"),
            ("auth_token", "TWILIO_AUTH_TOKEN"),
            ("twilio_number", "TWILIO_NUMBER"),
        ),
        (("api_base_url", "TWILIO_API_BASE_URL"),),
    ),
    AppChannel(
        "Telegram",
        "channels.telegram_app.TelegramAppInput",
        "/webhooks/telegram/webhook",
        (("access_token", "TELEGRAM_ACCESS_TOKEN"), ("verify", "TELEGRAM_BOT_NAME")),
        (("secret_token", "TELEGRAM_SECRET_TOKEN"), ("api_base_url", "TELEGRAM_API_BASE_URL")),
    ),
    AppChannel(
        "Facebook Messenger",
        "channels.messenger_app.MessengerAppInput",
        "/webhooks/facebook/webhook",
        (
            ("verify", "FACEBOOK_VERIFY_TOKEN"),
            ("secret", "FACEBOOK_APP_SECRET"),
            ("page-access-token", "FACEBOOK_PAGE_ACCESS_TOKEN"),
        ),
        (("api_base_url", "FACEBOOK_API_BASE_URL"),),
    ),
    AppChannel(
        "Slack",
        "channels.slack_app.SlackAppInput",
        "/webhooks/slack/webhook",
        (("slack_token", "SLACK_TOKEN"), ("slack_signing_secret", "SLACK_SIGNING_SECRET")),
        (("slack_channel", "SLACK_CHANNEL"), ("api_base_url", "SLACK_API_BASE_URL")),
    ),
)


def _public_url(env: Mapping[str, str]) -> str:
    return (env.get("PUBLIC_URL") or "http://localhost:5005").rstrip("/")


def public_url() -> str:
    """The public address of the assistant's pages (``PUBLIC_URL``), e.g. for FAQ links."""
    return _public_url(os.environ)


DEFAULT_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080"


def allowed_origins(env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Web origins allowed to call the assistant from a browser (``ALLOWED_ORIGINS``,
    comma-separated; by default the site that ``make run`` serves)."""
    env = os.environ if env is None else env
    raw = env.get("ALLOWED_ORIGINS") or DEFAULT_ORIGINS
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


def socketio_source_in_text(env: Optional[Mapping[str, str]] = None) -> bool:
    """Whether every socket.io client gets the source line and the FAQ link in the text, as
    REST clients do (``SOCKETIO_SOURCE_IN_TEXT=1``): for a site whose chat widget drops
    custom frames, such as rasa-webchat. Off by default: our widget shows both itself."""
    env = os.environ if env is None else env
    return (env.get("SOCKETIO_SOURCE_IN_TEXT") or "").strip().lower() in ("1", "true", "yes", "on")


def enabled(env: Optional[Mapping[str, str]] = None) -> List[AppChannel]:
    env = os.environ if env is None else env
    return [app for app in APPS if all(env.get(var) for _, var in app.required)]


def credentials(env: Optional[Mapping[str, str]] = None) -> Dict[str, Optional[dict]]:
    """credentials.yml plus every app whose variables are set."""
    env = os.environ if env is None else env
    result = yaml.safe_load((REPO / "credentials.yml").read_text(encoding="utf-8")) or {}
    for app in enabled(env):
        settings = {key: env[var] for key, var in app.required}
        settings.update({key: env[var] for key, var in app.optional if env.get(var)})
        settings["webhook_url"] = _public_url(env) + app.webhook_path
        result[app.connector] = settings
    return result


def webhook_urls(env: Optional[Mapping[str, str]] = None) -> List[Tuple[str, str]]:
    env = os.environ if env is None else env
    return [(app.title, _public_url(env) + app.webhook_path) for app in enabled(env)]


def write(path: Path, env: Optional[Mapping[str, str]] = None) -> None:
    """Write the credentials (they hold the apps' secrets: readable by the owner only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(yaml.safe_dump(credentials(env), sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    import sys

    write(Path(sys.argv[1]))
    for title, url in webhook_urls():
        print(f"  {title}: on; webhook to register: {url}")
    for app in APPS:
        if app not in enabled():
            needed = ", ".join(var for _, var in app.required)
            print(f"  {app.title}: off (set {needed})")
