"""A socket.io client that talks to the assistant as the widget does, step by step: for
the end-to-end tests of the web chat."""

from __future__ import annotations

import asyncio
import time
from typing import Any, List, Tuple

from contract import SOCKETIO_BOT_EVENT


def socketio_steps(
    port: int, origin: str, steps: List[Tuple[str, Any]], timeout: float = 20, quiet: float = 0.6
) -> List[List[Any]]:
    """Send socket.io events one by one; after each, the bot messages it brought (all that
    arrive until ``quiet`` seconds pass without one; none for a session request)."""
    import socketio  # python-socketio's client, installed with Rasa

    async def go() -> List[List[Any]]:
        received: List[Any] = []
        client = socketio.AsyncClient()
        client.on(SOCKETIO_BOT_EVENT, lambda payload: received.append(payload))
        await client.connect(
            f"http://localhost:{port}", transports=["websocket"], headers={"Origin": origin}
        )
        replies: List[List[Any]] = []
        for name, data in steps:
            before = len(received)
            await client.emit(name, data)
            deadline, last_count, last_change = time.time() + timeout, before, time.time()
            while time.time() < deadline:
                await asyncio.sleep(0.05)
                if len(received) != last_count:
                    last_count, last_change = len(received), time.time()
                elif time.time() - last_change > quiet and (
                    len(received) > before or name == "session_request"
                ):
                    break
            replies.append(received[before:])
        await client.disconnect()
        return replies

    return asyncio.run(go())
