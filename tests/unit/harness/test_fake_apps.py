"""The messaging-app fakes record a send even when the sender hangs up before the reply,
and say nothing about it: a stopped server mid-send is part of some tests."""

from __future__ import annotations

import socket
import struct
import time

from harness.fake_apps import FakeProvider, provider_reply


def _slow_reply(call):
    time.sleep(0.3)  # the sender's reset arrives before the reply is written
    return provider_reply(call)


def test_a_sender_hanging_up_before_the_reply_is_recorded_without_a_traceback(capfd):
    fake = FakeProvider(_slow_reply)
    try:
        host, port = fake.server.server_address
        body = b"To=%2B1&From=%2B2&Body=hello"
        request = (
            b"POST /2010-04-01/Accounts/AC1/Messages.json HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        sender = socket.create_connection((host, port))
        sender.sendall(request)
        time.sleep(0.1)
        # Close with a reset (linger 0), as a killed process's socket does.
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sender.close()
        calls = fake.wait_for(1, timeout=5)
        time.sleep(0.6)
        assert [c["body"]["Body"] for c in calls] == ["hello"]
        assert "Traceback" not in capfd.readouterr().err
    finally:
        fake.stop()
