// The conversation, put together from parts of one concern each, which share one state
// and reach each other through ``chat`` (so each can call another at the time it runs):
// transcript.js (the entries and their bubbles, the notice), outbox.js (sending, the
// offline outbox, delivery), waiting.js ("Thinking…", the slow-reply note), contacts.js
// (help contacts without the server, "Talk to a person"), link.js (connectivity),
// replies.js (the assistant's replies and the buttons on them), erase.js ("Start over",
// deleting the conversation) and language.js (English or Spanish). Here: the state, the
// panel opening and closing (with the phone rules), and start-up.

import * as storage from "./storage.js";
import { createConnection } from "./connection.js";
import { buildUi, loadCss, isFullScreen } from "./ui.js";
import { ENGLISH, SPANISH } from "./strings.js";
import { createTranscript } from "./transcript.js";
import { createOutbox } from "./outbox.js";
import { createWaiting } from "./waiting.js";
import { createContacts } from "./contacts.js";
import { createLink } from "./link.js";
import { createReplies } from "./replies.js";
import { createErase } from "./erase.js";
import { createLanguage } from "./language.js";

export function createChat(config) {
  const stored = storage.loadConversation(config.retentionDays);
  const state = {
    sessionId: stored.sessionId, // created when first needed
    transcript: stored.transcript,
    outbox: stored.outbox,
    nodes: [], // DOM bubble per transcript entry, same order
    confirmed: false,
    isOpen: false,
    inFlight: [], // visible messages emitted since the last reply: re-sent if the socket drops first
    waiting: null, // timers of the "thinking" indicator for the message awaiting a reply
    unreachable: false, // disconnected for longer than offlineGraceMs
    offlineTimer: null,
    offlineNoteShown: false, // the contacts note, once per offline spell
    expiryTimer: null,
    erasing: null, // "Start over" deleting the conversation: the assistant's reply so far
    helpContacts: { en: storage.loadHelpContacts(ENGLISH), es: storage.loadHelpContacts(SPANISH) },
    contactsFetched: false,
    // The parent's choice (kept in storage), else the page's language.
    language: storage.loadLanguage() || config.language,
    // Switched by the parent: replies to earlier messages must not switch it back.
    switching: false,
    switchedAt: null // transcript index where the switch's confirmation goes: shown from there
  };

  const chat = {
    config,
    state,
    lang: () => state.language,
    view: () => ({ faqUrls: config.faqUrls, language: state.language }),
    sessionId() {
      if (!state.sessionId) state.sessionId = storage.newSessionId();
      return state.sessionId;
    }
  };
  chat.transcript = createTranscript(chat);
  chat.outbox = createOutbox(chat);
  chat.waiting = createWaiting(chat);
  chat.contacts = createContacts(chat);
  chat.link = createLink(chat);
  chat.replies = createReplies(chat);
  chat.erase = createErase(chat);
  chat.language = createLanguage(chat);

  chat.connection = createConnection(config, {
    connect: () => chat.link.onConnect(),
    confirm: (id) => chat.link.onConfirm(id),
    message: (data) => chat.replies.onBotUttered(data),
    lost: () => chat.link.onLost(),
    clientMissing: () => chat.link.onClientMissing()
  });

  const ui = buildUi(config, {
    toggle: () => (state.isOpen ? close() : open()),
    close,
    human: () => chat.contacts.requestHuman(),
    startOver: (answer) => chat.erase.startOver(answer),
    submit: (text) => chat.outbox.sendUserMessage(text.slice(0, config.maxLength), null),
    draft: storage.saveDraft,
    logClick: (ev) => chat.replies.onLogClick(ev),
    switchLanguage: () => chat.language.switchLanguage()
  }, state.language);
  chat.ui = ui;

  // On a wide screen the panel stays open from page to page. On a phone it covers the
  // page, so it opens by itself only when the parent left a message half-typed.
  function setOpen(isOpen, moveFocus, remember = true) {
    state.isOpen = isOpen;
    if (remember) storage.saveOpen(isOpen);
    ui.setOpen(isOpen, moveFocus);
    if (isOpen) {
      chat.link.connectNow();
      chat.transcript.scrollToLatest();
    }
  }

  function open() {
    setOpen(true, true);
  }

  function close() {
    setOpen(false, true);
  }

  function init() {
    loadCss(config, ui.root);
    document.body.appendChild(ui.root);
    ui.setStatus("connecting");
    // Outbox items whose bubble has gone (transcript capped) still get sent.
    chat.outbox.resume();
    chat.transcript.renderAll();
    if (state.transcript.length === 0) chat.transcript.showFirstMessage();
    const draft = storage.loadDraft();
    if (draft) ui.setDraft(draft);
    const reopen = storage.wasOpen() && (!isFullScreen() || draft.trim() !== "");
    setOpen(reopen, false, false);
    chat.outbox.scheduleExpiryCheck();
    if (chat.transcript.hasConversation()) chat.link.connectNow();
  }

  return {
    init,
    open: () => open(),
    close: () => close(),
    send: (text) => chat.outbox.sendUserMessage(text, null),
    restart: () => chat.erase.restart(),
    sessionId: () => state.sessionId,
    language: () => state.language
  };
}
