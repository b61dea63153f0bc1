"""A local SMTP server (aiosmtpd) on a free port that keeps what it receives: the inbox
the handoff tests configure for the action server."""

from __future__ import annotations

import email
import email.policy
import time
from email.message import EmailMessage
from typing import Any, Dict, List

from aiosmtpd.controller import Controller

from harness.ports import free_port


class _Keep:
    def __init__(self) -> None:
        self.messages: List[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"


class SmtpSink:
    """``with SmtpSink() as sink:`` … ``sink.wait_for(1)`` → the messages received."""

    INBOX = "help@advocacy.example.org"
    SENDER = "assistant@advocacy.example.org"

    def __init__(self) -> None:
        self.port = free_port()
        self._handler = _Keep()
        self._controller = Controller(self._handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "SmtpSink":
        self._controller.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self._controller.stop()

    @property
    def messages(self) -> List[EmailMessage]:
        return self._handler.messages

    def env(self) -> Dict[str, str]:
        """The action server's settings for this inbox."""
        return {
            "HANDOFF_INBOX": self.INBOX,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(self.port),
            "SMTP_FROM": self.SENDER,
        }

    def wait_for(self, count: int, timeout: float = 10) -> List[EmailMessage]:
        deadline = time.time() + timeout
        while len(self.messages) < count and time.time() < deadline:
            time.sleep(0.05)
        return list(self.messages)
