// The conversation as shown: the transcript (kept in storage) and its bubble per entry,
// where the log scrolls to, the widget's own notes, and the notice and first message.

import * as storage from "./storage.js";
import { renderEntry } from "./render.js";
import { pageText } from "./config.js";
import { ENGLISH } from "./strings.js";

// The notice (not legal advice; what is kept, how to delete it), written in by the site
// build from the knowledge base: shown before the parent types anything. The assistant
// also sends it as its first reply, for clients without it; here that copy is skipped.
const NOTICE = {
  en: typeof IEP_NOTICE === "string" ? IEP_NOTICE : "",
  es: typeof IEP_NOTICE_ES === "string" ? IEP_NOTICE_ES : ""
};

/** The transcript part of ``chat`` (createChat's shared parts): entries and their bubbles. */
export function createTranscript(chat) {
  const { state, config } = chat;

  function save() {
    storage.saveConversation(state.sessionId, state.transcript, state.outbox);
  }

  function addEntry(entry, persist = true) {
    state.transcript.push(entry);
    const node = renderEntry(entry, chat.view());
    state.nodes.push(node);
    chat.ui.log.appendChild(node);
    while (state.transcript.length > storage.MAX_TRANSCRIPT) {
      state.transcript.shift();
      state.nodes.shift().remove();
      if (state.switchedAt !== null) state.switchedAt = Math.max(0, state.switchedAt - 1);
    }
    if (persist) save();
    scrollToLatest();
    return node;
  }

  function renderAll() {
    chat.ui.log.textContent = "";
    const v = chat.view();
    state.nodes = state.transcript.map((entry) => chat.ui.log.appendChild(renderEntry(entry, v)));
    scrollToLatest();
  }

  // The parent's own message: the end of the log. A reply: its first line at the top,
  // so a long answer is read from its start, not its end. The language switch counts as
  // the parent's turn: its confirmation is shown from its start.
  function scrollToLatest() {
    const ui = chat.ui;
    let lastUser = -1;
    for (let i = state.transcript.length - 1; i >= 0 && lastUser < 0; i--) if (state.transcript[i].from === "user") lastUser = i;
    const switched = state.switchedAt !== null && state.switchedAt > lastUser;
    const replyStart = state.nodes[switched ? state.switchedAt : lastUser + 1];
    if ((lastUser >= 0 || switched) && replyStart) ui.scrollToTopOf(replyStart);
    else if (lastUser >= 0 || switched) ui.scrollToBottom();
    else ui.log.scrollTop = 0; // only the widget's own messages: from the start
  }

  /** Something the parent said (or queued) is there to resume. */
  function hasConversation() {
    return state.outbox.length > 0 || state.transcript.some((e) => e.from === "user");
  }

  function indexOfMessage(id) {
    for (let i = state.transcript.length - 1; i >= 0; i--) {
      const e = state.transcript[i];
      if (e.from === "user" && (e.id === id || e.pending === id)) return i;
    }
    return -1;
  }

  function dropLocalNotes(kind) {
    let dropped = false;
    for (let i = state.transcript.length - 1; i >= 0; i--) {
      if (state.transcript[i].local !== kind) continue;
      state.transcript.splice(i, 1);
      state.nodes.splice(i, 1)[0].remove();
      dropped = true;
    }
    if (dropped) save();
  }

  function showFirstMessage(persist = true) {
    const lang = chat.lang();
    const notice = NOTICE[lang] || NOTICE.en;
    if (notice) addEntry({ from: "bot", text: notice, local: "notice", lang: NOTICE[lang] ? lang : ENGLISH }, persist);
    const first = pageText(config, lang, "firstMessage");
    if (first) addEntry({ from: "bot", text: first, intro: true, lang }, persist);
  }

  function isNotice(text) {
    return !!text && (text === NOTICE.en || text === NOTICE.es);
  }

  // The notice and first message are the widget's own: they follow its language.
  function translateIntro() {
    const lang = chat.lang();
    for (const entry of state.transcript) {
      if (entry.local === "notice" && NOTICE[lang]) {
        entry.text = NOTICE[lang];
        entry.lang = lang;
      } else if (entry.intro && pageText(config, lang, "firstMessage")) {
        entry.text = pageText(config, lang, "firstMessage");
        entry.lang = lang;
      }
    }
    save();
  }

  /** Empty (Start over, erase): nothing shown, queued or awaited. */
  function clear() {
    state.switchedAt = null;
    state.transcript = [];
    state.outbox = [];
    state.inFlight = [];
    state.offlineNoteShown = false;
    chat.waiting.stop();
    chat.outbox.scheduleExpiryCheck(); // nothing queued: clears the timer
    renderAll();
  }

  return {
    save,
    addEntry,
    renderAll,
    scrollToLatest,
    hasConversation,
    indexOfMessage,
    dropLocalNotes,
    showFirstMessage,
    isNotice,
    translateIntro,
    clear
  };
}
