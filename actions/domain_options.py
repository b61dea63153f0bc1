"""Options whose titles live in the domain: a response's ``buttons``, sent by an action as
the options of a channel-neutral reply (so SMS gets a numbered list and apps their buttons),
never as Python strings."""

from __future__ import annotations

from typing import Any, Dict, List, Text


def domain_buttons(domain: Dict[Text, Any], response: Text) -> List[Dict[Text, Any]]:
    """The buttons of a domain response's first variant (none when it has none)."""
    variants = (domain.get("responses") or {}).get(response) or [{}]
    return [dict(button) for button in variants[0].get("buttons") or []]
