"""Names shared across layers (channels, the Rasa server's services, actions, reports).

Kept here so that a name crossing a layer is written once: the channels set these values,
the services and actions read them, and none of them imports another's module to do so.
Grouped by concern: this module (languages, metadata keys, FAQ paths, events),
``slots`` (slot names, fallback stages), ``intents`` (intent names code decides on),
``payloads`` (``/<intent>`` messages), ``limits`` (message length, retention),
``nlu`` (the answer bar), ``conversations`` (conversation keys) and ``widget`` (what the
site build hands the chat widget). ``tests/unit/contract/test_contract.py`` keeps the slot
and intent names equal to domain.yml's.
"""

from __future__ import annotations

# Metadata key: an opaque pseudonym of a web client's network address (REST, socket.io),
# set by the channels; the callback-request limit counts by it. Never stored.
CLIENT_TAG = "client_tag"

# Metadata key: the id a proxy gave an HTTP request (REST's ``X-Request-ID``), stored with the
# parent's message. A proxy that retries a request cut off by an instance's death sends the
# same id again, and the input guard then replays the stored replies instead of answering
# the message a second time (channels/request_replay.py).
REQUEST_ID = "request_id"

# A reply's event for web clients: the conversation was deleted from the server, so the
# widget deletes this browser's copy too (the site build hands the name to the widget:
# contract/widget.py).
CONVERSATION_ERASED = "conversation_erased"

# The conversation's languages (issue 21): the `language` slot's values and the entity
# the language detector adds (nlu_components/language_detector.py fills the slot from it).
ENGLISH = "en"
SPANISH = "es"
LANGUAGE = "language"
# The languages in the order reports list them, and their names for the organisation's
# staff (the insights report, the callback e-mail): English text, the Spanish name beside.
LANGUAGES = (ENGLISH, SPANISH)
LANGUAGE_NAMES = {ENGLISH: "English", SPANISH: "Spanish (español)"}

# The FAQ's state directory page (webapp/faq_states.py), one anchor per state ("#PA"): the
# chat's help contacts link to it when the parent's state is known.
STATE_DIRECTORY_PATH = "/faq/states/"

# The FAQ and its state directory in each language (webapp/faq.py): the same anchors in
# both, so a Spanish reply's "Read this in the FAQ" link is the Spanish page + "#<topic>".
FAQ_PATHS = {ENGLISH: "/faq/", SPANISH: "/es/faq/"}
STATE_DIRECTORY_PATHS = {ENGLISH: STATE_DIRECTORY_PATH, SPANISH: "/es/faq/states/"}

# A topic reply's kind (its contract object's ``kind``): the short answer, or "tell me
# more" (the details and the federal note). The channels shape each their own way (SMS
# trims an answer's options) and the actions give the details when a topic is asked again.
TOPIC_ANSWER = "answer"
TOPIC_DETAILS = "details"

# The socket.io events of a message from the parent and of a reply: credentials.yml sets
# them on the socketio channel (user_message_evt, bot_message_evt) and the widget emits
# and listens to them (the site build hands it these: contract/widget.py).
SOCKETIO_USER_EVENT = "user_uttered"
SOCKETIO_BOT_EVENT = "bot_uttered"

# A web client may name itself in its metadata (rasa-webchat: ``customData: {"client":
# "rasa-webchat"}``, sent with every message). The socket.io channel gives a client named
# in TEXT_ONLY_CLIENTS the source line and the FAQ link in the text, since it drops the
# custom frame they otherwise travel in (README, "Using rasa-webchat instead of our widget").
CLIENT_NAME = "client"
TEXT_ONLY_CLIENTS = frozenset({"rasa-webchat"})
