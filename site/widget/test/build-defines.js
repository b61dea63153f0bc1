// The values the site build writes into contract.js (esbuild --define of the IEP_* names,
// scripts/build_site.py), as globals: imported first by every test, before any widget module.
const DEFINES = {
  IEP_ENGLISH: "en",
  IEP_SPANISH: "es",
  IEP_LANGUAGE_KEY: "language",
  IEP_USER_MESSAGE_EVENT: "user_uttered",
  IEP_BOT_MESSAGE_EVENT: "bot_uttered",
  IEP_MAX_MESSAGE_CHARS: 1000,
  IEP_RETENTION_DAYS: 30,
  IEP_HUMAN_HANDOFF_PAYLOAD: "/human_handoff",
  IEP_CONFIRM_ERASE_PAYLOAD: "/confirm_erase",
  IEP_FEEDBACK_PAYLOAD: "/feedback",
  IEP_SWITCH_TO_ENGLISH_PAYLOAD: "/switch_to_english",
  IEP_SWITCH_TO_SPANISH_PAYLOAD: "/switch_to_spanish",
  IEP_CONVERSATION_ERASED: "conversation_erased"
};
Object.assign(globalThis, DEFINES);
export default DEFINES;
