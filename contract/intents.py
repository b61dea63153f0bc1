"""Intent names that code decides on, outside the NLU data that defines them.

The channels force some of them (the input guard's "no words", "too long", "not text"),
the widget and the actions send some as payloads (``contract/payloads.py``), the actions
and the insights report branch on others. ``tests/unit/contract/test_contract.py`` checks that
each is an intent of domain.yml (``nlu_fallback`` is Rasa's own, set by the FallbackClassifier).
"""

from __future__ import annotations

# Rasa's FallbackClassifier's intent (config.yml): below the answer bar; the input guard
# also forces it for a message with no words.
NLU_FALLBACK = "nlu_fallback"

GREET = "greet"
# A closing message: thanks and goodbye together ("ok gracias, bye") split the ranking
# between the two; the low-confidence action says goodbye when together they are sure.
THANKS = "thanks"
GOODBYE = "goodbye"
HUMAN_HANDOFF = "human_handoff"  # "Talk to a person"
FEEDBACK = "feedback"  # the widget's thumbs (entities: helpful, topic)
CONFIRM_ERASE = "confirm_erase"  # delete this conversation now (the widget's "also delete")
UNSUPPORTED_MESSAGE = "unsupported_message"  # a photo, sticker, location or voice note
INPUT_TOO_LONG = "input_too_long"  # forced by the input guard over MAX_MESSAGE_CHARS
SOMETHING_ELSE = "something_else"  # "Something else" under "Did you mean…"
CHOOSE_OPTION = "choose_option"  # "the first one", "2"
MORE_DETAIL = "more_detail"  # "tell me more"
GIVE_STATE = "give_state"  # "I live in Ohio"

# The topic a message that only names mediation gets ("medation sombody said i shud do
# it??"), and that "Did you mean…" offers after a story naming it (a knowledge-base id).
WHAT_IS_MEDIATION_TOPIC = "what_is_mediation"
# "Can I ask for mediation?": after a story about one topic ("a 504 plan, not an IEP…"),
# whether mediation covers that story, which the story's own topic answers.
REQUEST_MEDIATION_TOPIC = "request_mediation"

# The widget's English/Español switch (and a parent typing "en español").
SWITCH_TO_SPANISH = "switch_to_spanish"
SWITCH_TO_ENGLISH = "switch_to_english"
LANGUAGE_SWITCH_INTENTS = frozenset({SWITCH_TO_SPANISH, SWITCH_TO_ENGLISH})

# Entities code reads (domain.yml ``entities:``): the feedback payload's two; the second
# question the intent classifiers find in one message ("how long, and what does it
# cost?"), which the actions answer after the first; and the topic each question inside
# a long message leans to, which "Did you mean…" offers first. (us_state is a slot too:
# contract/slots.py.)
HELPFUL_ENTITY = "helpful"
TOPIC_ENTITY = "topic"
SECOND_QUESTION_ENTITY = "second_question"
ASKED_TOPIC_ENTITY = "asked_topic"
DOMAIN_ENTITIES = frozenset(
    {HELPFUL_ENTITY, TOPIC_ENTITY, SECOND_QUESTION_ENTITY, ASKED_TOPIC_ENTITY}
)

# Every domain.yml intent named here (the drift test's list).
DOMAIN_INTENTS = frozenset(
    {
        GREET,
        THANKS,
        GOODBYE,
        HUMAN_HANDOFF,
        FEEDBACK,
        CONFIRM_ERASE,
        UNSUPPORTED_MESSAGE,
        INPUT_TOO_LONG,
        SOMETHING_ELSE,
        CHOOSE_OPTION,
        MORE_DETAIL,
        GIVE_STATE,
        *LANGUAGE_SWITCH_INTENTS,
    }
)
