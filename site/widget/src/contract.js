// What the widget shares with the server: language codes, the message limit, the retention
// period, the hidden payloads it sends and the event it acts on. The site build writes
// each value from the Python contract (contract/widget.py, via esbuild --define in
// scripts/build_site.py); no copy is kept here, so the two cannot drift apart.
// (eslint.config.js declares the IEP_* names as the build's globals.)

export const ENGLISH = IEP_ENGLISH; // contract.ENGLISH
export const SPANISH = IEP_SPANISH; // contract.SPANISH
export const MAX_MESSAGE_CHARS = IEP_MAX_MESSAGE_CHARS; // contract.limits
// The server's RETENTION_DAYS (default contract.limits.DEFAULT_RETENTION_DAYS).
export const RETENTION_DAYS = IEP_RETENTION_DAYS;
export const HUMAN_HANDOFF_PAYLOAD = IEP_HUMAN_HANDOFF_PAYLOAD; // "Talk to a person"
export const CONFIRM_ERASE_PAYLOAD = IEP_CONFIRM_ERASE_PAYLOAD; // "Start over → also delete"
export const FEEDBACK_PAYLOAD = IEP_FEEDBACK_PAYLOAD; // followed by {"helpful", "topic"} as JSON
// The hidden message that tells the assistant the parent chose a language (it confirms in
// the new language), by the language chosen.
export const SWITCH_PAYLOAD = {
  [ENGLISH]: IEP_SWITCH_TO_ENGLISH_PAYLOAD,
  [SPANISH]: IEP_SWITCH_TO_SPANISH_PAYLOAD
};
// The event the server's reply carries once it deleted the conversation.
export const ERASED_EVENT = IEP_CONVERSATION_ERASED;
// The metadata key of the widget's language, sent with every message.
export const LANGUAGE_KEY = IEP_LANGUAGE_KEY;
// The socket.io events of a parent's message and of a reply (credentials.yml's
// user_message_evt and bot_message_evt).
export const USER_MESSAGE_EVENT = IEP_USER_MESSAGE_EVENT;
export const BOT_MESSAGE_EVENT = IEP_BOT_MESSAGE_EVENT;
