"""A faster check of the action server's replies, for the Rasa server (installed at its
start-up by ``service/rasa_server.py``, next to ``degraded_actions``).

Rasa 3.6 validates every reply of the action server with ``jsonschema.validate``, which
first re-checks the whole response schema against the JSON-Schema meta-schema and builds a
new validator each time: about 23 ms per action call on our machines, the largest single
cost of a turn (measured with py-spy: 60 % of the Rasa server's time per message). The
schema never changes, so it is checked once and its validator kept; the reply is validated
exactly as before, with Rasa's own error message when it fails.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, Text

from jsonschema import ValidationError, validators
from rasa.core.actions import action as rasa_action
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def _validator() -> Any:
    spec = rasa_action.RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(spec)
    validator_class.check_schema(spec)
    return validator_class(spec)


def validate_action_result(self: rasa_action.RemoteAction, result: Dict[Text, Any]) -> bool:
    """Same contract as ``RemoteAction._validate_action_result``, with a cached validator."""
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


def install() -> None:
    """Use the cached validator in this process (idempotent)."""
    rasa_action.RemoteAction._validate_action_result = validate_action_result
