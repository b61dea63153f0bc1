"""A socket.io client that talks to the assistant as the widget does, step by step: for
the end-to-end tests of the web chat."""

from __future__ import annotations

import asyncio
from typing import Any, List, Tuple

from contract import SOCKETIO_BOT_EVENT


def socketio_steps(
    port: int, origin: str, steps: List[Tuple[str, Any]], timeout: float = 20
) -> List[List[Any]]:
    """Send socket.io events one by one; after each, the bot messages it brought: all that
    arrived before the server acknowledged the event. The server's handlers await the whole
    turn (``channels/socketio.py``), so its acknowledgement follows the turn's last message;
    the client handles what arrives in order. No acknowledgement within ``timeout`` (the
    handler failed): what arrived until then."""
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
            try:
                await client.call(name, data, timeout=timeout)
            except socketio.exceptions.TimeoutError:
                pass
            replies.append(received[before:])
        await client.disconnect()
        return replies

    return asyncio.run(go())
