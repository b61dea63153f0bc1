"""When the action server cannot answer, the Rasa server answers for it.

Rasa logs a failed custom action with a traceback, drops its events and lets the turn
go on: the parent gets nothing, or Rasa's generic "something went wrong" from the
fallback. Installed by ``service/rasa_server.py``, this wraps ``RemoteAction.run`` so that
a failed call becomes one log line and, instead of the action's reply, a short apology
with the help contacts (fixed text the Rasa server holds itself). A failed
``action_session_start`` falls back to Rasa's built-in session start, so the
conversation still starts and keeps its slots.

Re-check on a Rasa upgrade: it relies on ``RemoteAction.run``'s signature (Rasa 3.6).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, List, Text

from rasa.core.actions.action import ActionExecutionRejection, ActionSessionStart, RemoteAction
from rasa.shared.core.events import BotUttered, Event
from rasa.shared.exceptions import RasaException

logger = logging.getLogger(__name__)
SESSION_START = "action_session_start"
_INSTALLED = "_iep_degraded_run"


def install(apology: Callable[[], Text]) -> None:
    """Wrap ``RemoteAction.run`` once; ``apology`` gives the text to send instead."""
    if getattr(RemoteAction.run, _INSTALLED, False):
        return
    original = RemoteAction.run

    async def run(
        self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
    ) -> List[Event]:
        try:
            return await original(self, output_channel, nlg, tracker, domain)
        except ActionExecutionRejection:
            raise  # another policy may pick a different action: Rasa's normal path
        except RasaException as error:
            logger.error(
                "action.failed sender=%s action=%s: %s",
                tracker.sender_id,
                self.name(),
                str(error).splitlines()[0][:200],
            )
            if self.name() == SESSION_START:
                return await ActionSessionStart().run(output_channel, nlg, tracker, domain)
            return [BotUttered(apology())]

    setattr(run, _INSTALLED, True)
    RemoteAction.run = run
