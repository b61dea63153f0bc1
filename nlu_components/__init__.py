"""Custom Rasa NLU components (referenced from config.yml by module path).

The Rasa server imports this package whenever it loads the assistant's model, so it is also
where the one speed fix for Rasa itself is installed (see ``action_result_validation``).
"""

from nlu_components import action_result_validation

action_result_validation.install()
