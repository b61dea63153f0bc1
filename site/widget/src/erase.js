// "Start over": a new conversation, optionally deleting this one from the server and from
// this browser; and the same deletion when the parent typed and confirmed it.

import * as storage from "./storage.js";
import { t } from "./strings.js";
import { CONFIRM_ERASE_PAYLOAD as ERASE_PAYLOAD } from "./contract.js";

const ERASE_SETTLE_MS = 400; // a reply may come in parts: wait this long after the last one

/** The start-over and erase part of ``chat`` (createChat's shared parts). */
export function createErase(chat) {
  const { state, config } = chat;

  // A new conversation with a new session id; the old one stays on the server. The
  // language goes back to the page's, like everything else the parent chose.
  function restart() {
    chat.transcript.clear();
    storage.forgetLanguage();
    chat.language.reset();
    state.sessionId = storage.newSessionId();
    chat.transcript.save();
    chat.link.sendSessionRequest();
    chat.transcript.showFirstMessage();
  }

  /**
   * Delete the conversation: the assistant is asked to delete it from its server
   * (``/confirm_erase``, no bubble), its reply is shown (waiting at most eraseReplyMs),
   * then everything the widget stored in this browser is removed and a new session begins.
   */
  function eraseConversation() {
    const queued = state.outbox.length;
    state.outbox = []; // nothing more of this conversation is sent
    state.erasing = { replies: [], settle: null, limit: setTimeout(finish, config.eraseReplyMs) };
    if (queued) chat.transcript.save();
    chat.sessionId();
    chat.link.connectNow();
    chat.outbox.sendHidden(ERASE_PAYLOAD);
  }

  function onReply(text) {
    const erasing = state.erasing;
    if (text && text.trim()) erasing.replies.push(text);
    clearTimeout(erasing.settle);
    erasing.settle = setTimeout(finish, ERASE_SETTLE_MS);
  }

  // "Delete my conversation", typed and confirmed: the server's copy is gone, so this
  // browser's goes too, as with "Start over → also delete". The confirmation came as
  // the message before (or in this one) and is shown again after the clearing.
  function erasedByServer(text) {
    const last = state.transcript[state.transcript.length - 1];
    const confirmation = text && text.trim() ? text : last && last.from === "bot" ? last.text : "";
    state.erasing = { replies: confirmation ? [confirmation] : [], settle: null, limit: null };
    finish();
  }

  function finish() {
    const erasing = state.erasing;
    if (!erasing) return;
    clearTimeout(erasing.limit);
    clearTimeout(erasing.settle);
    state.erasing = null;
    const confirmedIn = chat.lang(); // the assistant confirmed in the conversation's language
    chat.transcript.clear();
    storage.eraseAll();
    chat.language.reset();
    state.sessionId = storage.newSessionId();
    if (erasing.replies.length) {
      erasing.replies.forEach((text) => chat.transcript.addEntry({ from: "bot", text, lang: confirmedIn }, false));
    } else {
      const lang = chat.lang();
      chat.transcript.addEntry({ from: "bot", local: "erase", text: t(lang, "eraseUnconfirmed"), lang }, false);
    }
    chat.transcript.showFirstMessage(false);
    chat.link.sendSessionRequest();
  }

  function startOver(answer) {
    if (answer.erase) eraseConversation();
    else restart();
    chat.ui.input.focus();
  }

  return { restart, startOver, onReply, erasedByServer };
}
