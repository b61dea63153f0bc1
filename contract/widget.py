"""What the chat widget (site/widget/src/) shares with the server, as the site build hands
it over: esbuild ``--define`` names and their values (``scripts/build_site.py``).

site/widget/src/contract.js is the only place the widget reads them; it keeps no copy of
its own, so a value changed here reaches the widget at the next build.
``tests/unit/scripts/test_widget_build_contract.py`` checks the built bundle carries each value.
"""

from __future__ import annotations

from typing import Dict, Union

from contract import (
    CONVERSATION_ERASED,
    ENGLISH,
    LANGUAGE,
    SOCKETIO_BOT_EVENT,
    SOCKETIO_USER_EVENT,
    SPANISH,
    payloads,
)
from contract.limits import MAX_MESSAGE_CHARS


def widget_defines(retention_days: int) -> Dict[str, Union[int, str]]:
    """Each global the widget's contract.js reads, with its value; ``retention_days`` is
    the period the server applies (``RETENTION_DAYS``), so the browser keeps its copy of a
    conversation no longer than the server."""
    return {
        "IEP_ENGLISH": ENGLISH,
        "IEP_SPANISH": SPANISH,
        "IEP_LANGUAGE_KEY": LANGUAGE,  # the metadata key of the widget's language
        "IEP_USER_MESSAGE_EVENT": SOCKETIO_USER_EVENT,
        "IEP_BOT_MESSAGE_EVENT": SOCKETIO_BOT_EVENT,
        "IEP_MAX_MESSAGE_CHARS": MAX_MESSAGE_CHARS,
        "IEP_RETENTION_DAYS": retention_days,
        "IEP_HUMAN_HANDOFF_PAYLOAD": payloads.HUMAN_HANDOFF,
        "IEP_CONFIRM_ERASE_PAYLOAD": payloads.CONFIRM_ERASE,
        "IEP_FEEDBACK_PAYLOAD": payloads.FEEDBACK,
        "IEP_SWITCH_TO_ENGLISH_PAYLOAD": payloads.SWITCH_TO[ENGLISH],
        "IEP_SWITCH_TO_SPANISH_PAYLOAD": payloads.SWITCH_TO[SPANISH],
        "IEP_CONVERSATION_ERASED": CONVERSATION_ERASED,
    }
