"""An opaque tag for the network address a web client (REST, socket.io) writes from.

The callback-request limit (``actions/handoff.py``) counts requests per client as well as
per conversation, since a client can draw a new conversation id for every request. The
action server only sees the conversation, so the channel puts this tag in the message's
metadata (``contract.CLIENT_TAG``); the tracker store drops it before saving. It is an
HMAC of the address under a key held only in memory (``SENDER_ID_KEY`` when set, so the
instances of a cluster agree), never the address itself.

Behind a proxy, Sanic's ``SANIC_PROXIES_COUNT`` / ``SANIC_REAL_IP_HEADER`` settings make
``request.remote_addr`` the client's address rather than the proxy's.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from typing import Any, Dict, Optional

from sanic.request import Request

from contract import CLIENT_TAG

_KEY = (os.environ.get("SENDER_ID_KEY") or "").encode("utf-8") or secrets.token_bytes(16)


def client_address(request: Optional[Request]) -> str:
    """The client's address as Sanic sees it (forwarded headers only where configured)."""
    if request is None:
        return ""
    return request.remote_addr or request.ip or ""


def client_tag(address: str) -> str:
    """The tag of an address: the same address, the same tag."""
    return hmac.new(_KEY, address.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def tagged(metadata: Optional[Dict[str, Any]], request: Optional[Request]) -> Dict[str, Any]:
    """The metadata with the client's tag set (replacing any the client sent)."""
    return {**(metadata or {}), CLIENT_TAG: client_tag(client_address(request))}
