// The conversation's language (English or Spanish): sent with every message, switched by
// the parent, and followed when the assistant answers in the other language.

import * as storage from "./storage.js";
import { ENGLISH, SPANISH } from "./strings.js";
import { SWITCH_PAYLOAD } from "./contract.js";

/** The language part of ``chat`` (createChat's shared parts). */
export function createLanguage(chat) {
  const { state, config } = chat;

  /** The widget in ``language`` from now on: its words at once, kept for the next page. */
  function set(language) {
    if (!language || language === state.language) return;
    state.language = language;
    storage.saveLanguage(language);
    chat.ui.setLanguage(language);
    chat.transcript.translateIntro();
    chat.transcript.renderAll();
  }

  /** Back to the page's language (Start over, erase): nothing of the parent's choice stays. */
  function reset() {
    state.switching = false;
    state.language = config.language;
    chat.ui.setLanguage(state.language);
  }

  // The English/Español switch: the widget changes at once and tells the assistant, which
  // confirms in the new language and answers in it from then on.
  function switchLanguage() {
    const next = chat.lang() === SPANISH ? ENGLISH : SPANISH;
    set(next);
    state.switching = true;
    state.switchedAt = state.transcript.length;
    chat.sessionId();
    chat.link.connectNow();
    chat.outbox.sendHidden(SWITCH_PAYLOAD[next]);
  }

  // A reply in the other language (the parent wrote in it): the widget follows. Replies
  // that do not say (the assistant's fixed responses) change nothing, and neither do
  // replies to earlier messages while a switch is being confirmed.
  function followReply(language, text) {
    if (state.switching) {
      if (language === chat.lang() || (language === null && text !== null && text.trim())) state.switching = false;
      return;
    }
    set(language);
  }

  return { reset, switchLanguage, followReply };
}
