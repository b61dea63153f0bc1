"""Options whose titles live in the domain: a response's ``buttons``, sent by an action as
the options of a channel-neutral reply (so SMS gets a numbered list and apps their buttons),
never as Python strings."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from contract import LANGUAGE


def _language_of(variant: Dict[Text, Any]) -> Optional[str]:
    """The ``language`` slot value a variant's condition asks for (None: no such condition)."""
    for condition in variant.get("condition") or []:
        if condition.get("type") == "slot" and condition.get("name") == LANGUAGE:
            return str(condition.get("value"))
    return None


def domain_buttons(
    domain: Dict[Text, Any], response: Text, language: Optional[str] = None
) -> List[Dict[Text, Any]]:
    """The buttons of a domain response's variant for ``language`` (the variant whose
    condition names it, as Rasa picks the text; else the first variant), none when it has
    none. Without a language: the first variant's, as before."""
    variants = (domain.get("responses") or {}).get(response) or [{}]
    chosen = next((v for v in variants if language and _language_of(v) == language), None)
    return [dict(button) for button in (chosen or variants[0]).get("buttons") or []]
