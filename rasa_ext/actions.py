"""Rasa's custom-action internals we touch: ``RemoteAction.run`` (wrapped) and
``RemoteAction._validate_action_result`` (replaced by a cached validator).

Why: ``service/servers/degraded_actions.py`` answers for a failed or hung action server, which
needs a wrapper around the one call Rasa makes to it; and Rasa 3.6 rebuilds and re-checks
the response schema's validator for every action call (about 23 ms, measured with py-spy:
60 % of the Rasa server's time per message), so the validator is built once here.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from jsonschema import ValidationError, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL
from rasa.shared.core.events import Event
from rasa.utils.endpoints import EndpointConfig

Run = Callable[[RemoteAction, Any, Any, Any, Any], Awaitable[List[Event]]]
_WRAPPED = "_iep_wrapped_run"


def action_endpoint(action: RemoteAction) -> Optional[EndpointConfig]:
    """The action server's endpoint this action calls (None when there is none)."""
    return action.action_endpoint


def wrap_remote_action_run(wrap: Callable[[Run], Run]) -> None:
    """Replace ``RemoteAction.run`` by ``wrap(original)``, once per process: a second call
    keeps the first wrapper (a server builds its app once; tests build it many times)."""
    if getattr(RemoteAction.run, _WRAPPED, False):
        return
    run = wrap(RemoteAction.run)
    setattr(run, _WRAPPED, True)
    RemoteAction.run = run


@lru_cache(maxsize=1)
def _validator() -> Any:
    spec = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def validate_action_result(self: RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result``, with a cached validator:
    True, or Rasa's own ``ValidationError`` message."""
    try:
        _validator().validate(result)
        return True
    except ValidationError as e:
        e.message += (
            f". Failed to validate Action server response from API, make sure your "
            f"response from the Action endpoint is valid. For more information "
            f"about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise e


def use_cached_validation() -> None:
    """Validate action server replies with the cached validator (idempotent)."""
    RemoteAction._validate_action_result = validate_action_result
