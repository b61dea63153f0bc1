// The conversation: what the parent sends (with an outbox while offline), what the
// assistant answers, "Thinking…" and the slow-reply note, the help contacts without the
// server, "Start over" (optionally deleting the conversation), the phone rules for
// when the panel opens by itself, and the conversation's language (English or Spanish):
// sent with every message, switched by the parent, and followed when the assistant
// answers in the other language.

import * as storage from "./storage.js";
import { createConnection } from "./connection.js";
import { renderEntry, renderCustom, updateDeliveryNote, feedbackThanks } from "./render.js";
import { safeHttpUrl } from "./markdown.js";
import { buildUi, loadCss, isFullScreen } from "./ui.js";
import { pageText } from "./config.js";
import { t, normalizeLanguage, ENGLISH, SPANISH } from "./strings.js";
import {
  CONFIRM_ERASE_PAYLOAD as ERASE_PAYLOAD,
  ERASED_EVENT,
  FEEDBACK_PAYLOAD,
  HUMAN_HANDOFF_PAYLOAD,
  LANGUAGE_KEY,
  SWITCH_PAYLOAD,
  USER_MESSAGE_EVENT
} from "./contract.js";

const ERASE_SETTLE_MS = 400; // a reply may come in parts: wait this long after the last one

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
  const lang = () => state.language;
  const view = () => ({ faqUrls: config.faqUrls, language: state.language });

  const connection = createConnection(config, {
    connect() {
      markReachable();
      ui.setStatus("connected");
      sendSessionRequest();
    },
    confirm(id) {
      if (id !== null && id !== state.sessionId) return; // stale (from before "Start over")
      state.confirmed = true;
      showConnection();
      flushOutbox();
    },
    message: onBotUttered,
    lost: onConnectionLost,
    clientMissing() {
      ui.setStatus("reconnecting");
      startOfflineTimer();
    }
  });

  const ui = buildUi(config, {
    toggle: () => (state.isOpen ? close() : open()),
    close,
    human: requestHuman,
    startOver,
    submit: (text) => sendUserMessage(text.slice(0, config.maxLength), null),
    draft: storage.saveDraft,
    logClick: onLogClick,
    switchLanguage
  }, state.language);

  // ------------------------------------------------------------------ session
  function sessionId() {
    if (!state.sessionId) state.sessionId = storage.newSessionId();
    return state.sessionId;
  }

  function save() {
    storage.saveConversation(state.sessionId, state.transcript, state.outbox);
  }

  /** Something the parent said (or queued) is there to resume. */
  function hasConversation() {
    return state.outbox.length > 0 || state.transcript.some((e) => e.from === "user");
  }

  function canSend() {
    return connection.connected && state.confirmed;
  }

  function sendSessionRequest() {
    state.confirmed = false;
    showConnection();
    connection.emit("session_request", { session_id: sessionId() });
  }

  // ---------------------------------------------------------- the transcript
  function addEntry(entry, persist = true) {
    state.transcript.push(entry);
    const node = renderEntry(entry, view());
    state.nodes.push(node);
    ui.log.appendChild(node);
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
    ui.log.textContent = "";
    const v = view();
    state.nodes = state.transcript.map((entry) => ui.log.appendChild(renderEntry(entry, v)));
    scrollToLatest();
  }

  // The parent's own message: the end of the log. A reply: its first line at the top,
  // so a long answer is read from its start, not its end. The language switch counts as
  // the parent's turn: its confirmation is shown from its start.
  function scrollToLatest() {
    let lastUser = -1;
    for (let i = state.transcript.length - 1; i >= 0 && lastUser < 0; i--) if (state.transcript[i].from === "user") lastUser = i;
    const switched = state.switchedAt !== null && state.switchedAt > lastUser;
    const replyStart = state.nodes[switched ? state.switchedAt : lastUser + 1];
    if ((lastUser >= 0 || switched) && replyStart) ui.scrollToTopOf(replyStart);
    else if (lastUser >= 0 || switched) ui.scrollToBottom();
    else ui.log.scrollTop = 0; // only the widget's own messages: from the start
  }

  // The notice (not legal advice; what is kept, how to delete it), written in by the site
  // build from the knowledge base: shown before the parent types anything. The assistant
  // also sends it as its first reply, for clients without it; here that copy is skipped.
  const NOTICE = {
    en: typeof IEP_NOTICE === "string" ? IEP_NOTICE : "",
    es: typeof IEP_NOTICE_ES === "string" ? IEP_NOTICE_ES : ""
  };

  function showFirstMessage(persist = true) {
    const notice = NOTICE[lang()] || NOTICE.en;
    if (notice) addEntry({ from: "bot", text: notice, local: "notice", lang: NOTICE[lang()] ? lang() : ENGLISH }, persist);
    const first = pageText(config, lang(), "firstMessage");
    if (first) addEntry({ from: "bot", text: first, intro: true, lang: lang() }, persist);
  }

  function isNotice(text) {
    return !!text && (text === NOTICE.en || text === NOTICE.es);
  }

  // ------------------------------------------------------------------ sending
  function newMessageId() {
    return storage.newSessionId().slice(0, 12) + Date.now().toString(36);
  }

  // Emit one outbox item. A visible message stays "in flight" until a reply comes, so a
  // socket that drops first (server restart) gets it queued again rather than lost.
  function deliver(item) {
    // The widget's language with every message: the assistant starts a conversation in it.
    connection.emit(USER_MESSAGE_EVENT, {
      message: item.message,
      session_id: sessionId(),
      metadata: { [LANGUAGE_KEY]: lang() }
    });
    if (!item.hidden) {
      state.inFlight.push({ id: item.id, message: item.message });
      startWaiting();
    }
  }

  /** Send ``message``, showing ``display`` (or the message) as the parent's bubble. */
  function sendUserMessage(message, display) {
    message = String(message === null || message === undefined ? "" : message).slice(0, config.maxLength);
    if (!message.trim()) return false;
    const id = newMessageId();
    const entry = { from: "user", text: display === null || display === undefined ? message : String(display), id };
    const item = { id, message, queuedAt: Date.now() };
    sessionId();
    connectNow();
    if (canSend() && state.outbox.length === 0) {
      addEntry(entry);
      deliver(item);
    } else {
      entry.pending = id;
      addEntry(entry);
      enqueue(item);
    }
    return true;
  }

  // Sent without a bubble (feedback, deletion). Queued like the rest while offline.
  function sendHidden(message) {
    const item = { id: newMessageId(), message, hidden: true, queuedAt: Date.now() };
    if (canSend() && state.outbox.length === 0) deliver(item);
    else enqueue(item);
  }

  function enqueue(item) {
    state.outbox.push(item);
    save();
    flushOutbox();
    if (state.outbox.length) {
      scheduleExpiryCheck();
      if (!item.hidden) noteQueuedWhileOffline();
    }
  }

  function flushOutbox() {
    if (!canSend()) return;
    let changed = false;
    while (state.outbox.length && canSend()) {
      const item = state.outbox.shift();
      deliver(item);
      markSent(item.id);
      changed = true;
    }
    if (changed) save();
    scheduleExpiryCheck();
  }

  function indexOfMessage(id) {
    for (let i = state.transcript.length - 1; i >= 0; i--) {
      const e = state.transcript[i];
      if (e.from === "user" && (e.id === id || e.pending === id)) return i;
    }
    return -1;
  }

  function markSent(id) {
    const i = indexOfMessage(id);
    if (i < 0 || !state.transcript[i].pending) return;
    delete state.transcript[i].pending;
    updateDeliveryNote(state.nodes[i], state.transcript[i], lang());
  }

  // The socket dropped before any reply: what was in flight goes back to the front of
  // the outbox (the server may never have seen it) and shows "waiting to send" again.
  function requeueInFlight() {
    if (!state.inFlight.length) return;
    const now = Date.now();
    const items = state.inFlight.map((f) => ({ id: f.id, message: f.message, queuedAt: now }));
    state.inFlight = [];
    state.outbox = items.concat(state.outbox);
    for (const item of items) {
      const i = indexOfMessage(item.id);
      if (i < 0) continue;
      state.transcript[i].pending = item.id;
      updateDeliveryNote(state.nodes[i], state.transcript[i], lang());
    }
    save();
    scheduleExpiryCheck();
  }

  // One timer for the oldest queued visible message: past the delivery timeout it is
  // taken out of the outbox and marked "Not delivered", so nothing sits pending forever
  // and nothing old is sent by surprise later.
  function scheduleExpiryCheck() {
    clearTimeout(state.expiryTimer);
    state.expiryTimer = null;
    const queued = state.outbox.filter((item) => !item.hidden && !item.orphan).map((item) => item.queuedAt);
    if (!queued.length) return;
    const wait = Math.max(0, Math.min(...queued) + config.deliveryTimeoutMs - Date.now());
    state.expiryTimer = setTimeout(expireOverdue, wait);
  }

  function expireOverdue() {
    state.expiryTimer = null;
    const now = Date.now();
    state.outbox = state.outbox.filter((item) => {
      const overdue = !item.hidden && !item.orphan && now - item.queuedAt >= config.deliveryTimeoutMs;
      const i = overdue ? indexOfMessage(item.id) : -1;
      if (overdue && i < 0) item.orphan = true; // its bubble is gone (long transcript): nothing to mark
      if (i < 0) return true;
      const entry = state.transcript[i];
      delete entry.pending;
      entry.failed = true;
      entry.message = item.message; // what "retry" sends (may differ from the bubble's text)
      updateDeliveryNote(state.nodes[i], entry, lang());
      return false;
    });
    save();
    scheduleExpiryCheck();
  }

  // "Not delivered — tap to retry": queue the same message again, with a fresh timeout.
  function retry(idx) {
    const entry = state.transcript[idx];
    if (!entry || entry.from !== "user" || !entry.failed || typeof entry.message !== "string") return;
    const item = { id: newMessageId(), message: entry.message, queuedAt: Date.now() };
    delete entry.failed;
    delete entry.message;
    entry.id = item.id;
    entry.pending = item.id;
    updateDeliveryNote(state.nodes[idx], entry, lang());
    save();
    enqueue(item);
  }

  // ------------------------------------------------- waiting for the assistant
  function startWaiting() {
    if (state.waiting) return; // already waiting: keep the first message's clock
    state.waiting = {
      show: setTimeout(ui.showThinking, config.thinkingDelayMs),
      slow: setTimeout(onSlowReply, config.slowReplyMs)
    };
  }

  function stopWaiting() {
    if (state.waiting) {
      clearTimeout(state.waiting.show);
      clearTimeout(state.waiting.slow);
      state.waiting = null;
    }
    ui.clearThinking();
  }

  // No reply for a long while: a note in the conversation (not an error: the reply may
  // still come, and is shown when it does).
  function onSlowReply() {
    stopWaiting();
    addContactsNote("slow", t(lang(), "slowReply"));
  }

  // -------------------------------------------- help contacts without the server
  // Written next to the widget by the site build from the knowledge base; kept in storage
  // so they are there even if a later page's fetch fails. Fetched with the first connection.
  function fetchHelpContacts() {
    if (state.contactsFetched || !config.helpContactsUrl || typeof window.fetch !== "function") return;
    state.contactsFetched = true;
    window
      .fetch(config.helpContactsUrl, { credentials: "same-origin", cache: "no-cache" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        // {"help_contacts": [English], "help_contacts_es": [Spanish]} (scripts/build_site.py)
        for (const [language, key] of [[ENGLISH, "help_contacts"], [SPANISH, "help_contacts_es"]]) {
          const list = data && Array.isArray(data[key]) ? data[key].filter(storage.isValidContact) : [];
          if (!list.length) continue;
          state.helpContacts[language] = list.map((c) => ({ name: c.name, how: c.how }));
          storage.saveHelpContacts(state.helpContacts[language], language);
        }
      })
      .catch(() => {
        /* keep the stored copy */
      });
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

  function addContactsNote(kind, lead) {
    const contacts = state.helpContacts[lang()].length ? state.helpContacts[lang()] : state.helpContacts.en;
    const list = contacts.map((c) => "\u2022 " + c.name + ": " + c.how).join("\n");
    addEntry({ from: "bot", text: list ? lead + "\n" + list : lead + "\n" + t(lang(), "tryLater"), local: kind, lang: lang() });
  }

  // "Talk to a person": the assistant answers with the contacts; when it cannot be
  // reached, the widget answers from its own copy straight away.
  function requestHuman() {
    const label = t(lang(), "talkToPerson");
    if (!state.unreachable) {
      sendUserMessage(HUMAN_HANDOFF_PAYLOAD, label);
      return;
    }
    addEntry({ from: "user", text: label, id: newMessageId() });
    state.offlineNoteShown = true; // it also says what happens to questions typed now
    addContactsNote("offline", t(lang(), "offlineHuman"));
  }

  // A message waits in the outbox while the assistant is unreachable: say so once per
  // offline spell, with the contacts, so the parent is not left waiting in silence.
  function noteQueuedWhileOffline() {
    if (!state.unreachable || state.offlineNoteShown) return;
    state.offlineNoteShown = true;
    addContactsNote("offline", t(lang(), "offlineQueued"));
  }

  // ------------------------------------------------------------- connectivity
  // Disconnected: after the grace period (a restart takes seconds) call it unreachable.
  function startOfflineTimer() {
    if (state.offlineTimer || state.unreachable) return;
    state.offlineTimer = setTimeout(() => {
      state.offlineTimer = null;
      if (connection.connected) return;
      state.unreachable = true;
      showConnection();
      if (state.outbox.some((item) => !item.hidden)) noteQueuedWhileOffline();
    }, config.offlineGraceMs);
  }

  function markReachable() {
    clearTimeout(state.offlineTimer);
    state.offlineTimer = null;
    state.unreachable = false;
    state.offlineNoteShown = false;
    showConnection();
  }

  function showConnection() {
    ui.setConnection(state.unreachable ? "unreachable" : canSend() ? "ready" : "connecting");
  }

  // Disconnected or cannot connect: no reply can come now, so stop "Thinking…" and
  // queue again what was in flight; start counting towards "unreachable".
  function onConnectionLost() {
    state.confirmed = false;
    ui.setStatus("reconnecting");
    showConnection();
    stopWaiting();
    requeueInFlight();
    startOfflineTimer();
  }

  /** Open the connection (once): the chat was opened, or there is a conversation to resume. */
  function connectNow() {
    if (connection.started) return;
    // No offline timer yet: on a slow network the first connection takes seconds, and it
    // is "Connecting…" until an attempt fails (onConnectionLost starts the count).
    fetchHelpContacts();
    connection.start();
  }

  // ---------------------------------------------------------------- receiving
  function extractCustom(data) {
    if (!data || typeof data !== "object") return null;
    if (typeof data.topic === "string" && data.topic) return data;
    if (data.data && typeof data.data === "object" && typeof data.data.topic === "string") return data.data;
    if (data.custom && typeof data.custom === "object" && typeof data.custom.topic === "string") return data.custom;
    return null;
  }

  function replyEvent(data) {
    for (const holder of [data, data.data, data.custom]) {
      if (holder && typeof holder === "object" && typeof holder.event === "string") return holder.event;
    }
    return "";
  }

  function cleanQuickReplies(list) {
    if (!Array.isArray(list)) return null;
    const out = [];
    for (const q of list) {
      if (!q || typeof q !== "object") continue;
      const title = typeof q.title === "string" ? q.title : "";
      const payload = typeof q.payload === "string" ? q.payload : "";
      if (title || payload) out.push({ content_type: q.content_type || "text", title: title || payload, payload: payload || title });
    }
    return out.length ? out : null;
  }

  /** The reply's language ("language" on its frame or its contract), or null when it does not say. */
  function replyLanguage(data) {
    for (const holder of [data, data.data, data.custom]) {
      if (holder && typeof holder === "object" && typeof holder.language === "string") return normalizeLanguage(holder.language);
    }
    return null;
  }

  function replyText(data) {
    let text = typeof data.text === "string" ? data.text : null;
    if (text === null && !extractCustom(data) && data.attachment && typeof data.attachment === "object") {
      // Image or file attachments: offered as a link (never loaded inline).
      const p = data.attachment.payload;
      const src = p && (p.src || p.url);
      if (safeHttpUrl(src)) text = t(lang(), "attachment", { url: src });
    }
    return text;
  }

  function onBotUttered(data) {
    if (typeof data === "string") data = { text: data };
    if (!data || typeof data !== "object") return;
    // The first part of a reply: the server has the message, and "Thinking…" can go; so
    // can a note that it couldn't be reached.
    state.inFlight = [];
    stopWaiting();
    dropLocalNotes("offline");
    const text = replyText(data);
    if (state.erasing) {
      onEraseReply(text);
      return;
    }
    if (replyEvent(data) === ERASED_EVENT) {
      // "Delete my conversation", typed and confirmed: the server's copy is gone, so this
      // browser's goes too, as with "Start over → also delete". The confirmation came as
      // the message before (or in this one) and is shown again after the clearing.
      const last = state.transcript[state.transcript.length - 1];
      const confirmation = text && text.trim() ? text : last && last.from === "bot" ? last.text : "";
      state.erasing = { replies: confirmation ? [confirmation] : [], settle: null, limit: null };
      finishErase();
      return;
    }
    const custom = extractCustom(data);
    const qr = cleanQuickReplies(data.quick_replies || data.buttons);
    if (isNotice(text) && !qr && state.transcript.some((e) => e.local === "notice")) {
      return; // already shown from the build (in the widget's language)
    }
    followReplyLanguage(replyLanguage(data), text);
    if (text !== null && (text.trim() || qr)) {
      const entry = { from: "bot", text, lang: replyLanguage(data) || lang() };
      if (qr) entry.quickReplies = qr;
      addEntry(entry);
    }
    if (custom) attachCustom(custom);
  }

  function attachCustom(custom) {
    const copy = {};
    for (const k of Object.keys(custom)) if (k !== "room") copy[k] = custom[k];
    let idx = -1;
    for (let i = state.transcript.length - 1; i >= 0 && idx < 0; i--) if (state.transcript[i].from === "bot") idx = i;
    if (idx < 0) {
      addEntry({ from: "bot", text: typeof copy.answer === "string" ? copy.answer : "", custom: copy });
      return;
    }
    const entry = state.transcript[idx];
    entry.custom = copy;
    delete entry.feedback;
    renderCustom(state.nodes[idx], entry, view());
    save();
    scrollToLatest();
  }

  function onLogClick(ev) {
    const btn = ev.target && ev.target.closest ? ev.target.closest("button") : null;
    if (!btn || !ui.log.contains(btn)) return;
    const idx = state.nodes.indexOf(btn.closest(".iep-msg"));
    if (idx < 0) return;
    const entry = state.transcript[idx];
    if (btn.classList.contains("iep-retry")) {
      retry(idx);
      ui.input.focus(); // the button is gone: keep focus where the parent types
    } else if (btn.hasAttribute("data-helpful")) {
      const helpful = btn.getAttribute("data-helpful") === "yes" ? "yes" : "no";
      const topic = entry.custom && entry.custom.topic ? String(entry.custom.topic) : "";
      sendHidden(FEEDBACK_PAYLOAD + JSON.stringify({ helpful, topic }));
      entry.feedback = helpful;
      save();
      const thanks = feedbackThanks(lang());
      btn.closest(".iep-feedback").replaceWith(thanks);
      thanks.focus(); // keep keyboard focus in the conversation
    } else if (btn.classList.contains("iep-quick-reply")) {
      const reply = (entry.quickReplies || [])[parseInt(btn.getAttribute("data-index"), 10)];
      if (!reply) return;
      delete entry.quickReplies;
      save();
      btn.closest(".iep-quick-replies").remove();
      sendUserMessage(reply.payload || reply.title, reply.title);
      ui.input.focus();
    }
  }

  // ------------------------------------------------------ open, close, restart
  // On a wide screen the panel stays open from page to page. On a phone it covers the
  // page, so it opens by itself only when the parent left a message half-typed.
  function setOpen(isOpen, moveFocus, remember = true) {
    state.isOpen = isOpen;
    if (remember) storage.saveOpen(isOpen);
    ui.setOpen(isOpen, moveFocus);
    if (isOpen) {
      connectNow();
      scrollToLatest();
    }
  }

  function open() {
    setOpen(true, true);
  }

  function close() {
    setOpen(false, true);
  }

  function clearConversation() {
    state.switchedAt = null;
    state.transcript = [];
    state.outbox = [];
    state.inFlight = [];
    state.offlineNoteShown = false;
    stopWaiting();
    scheduleExpiryCheck(); // nothing queued: clears the timer
    renderAll();
  }

  // A new conversation with a new session id; the old one stays on the server. The
  // language goes back to the page's, like everything else the parent chose.
  function restart() {
    clearConversation();
    storage.forgetLanguage();
    resetLanguage();
    state.sessionId = storage.newSessionId();
    save();
    sendSessionRequest();
    showFirstMessage();
  }

  /**
   * Delete the conversation: the assistant is asked to delete it from its server
   * (``/confirm_erase``, no bubble), its reply is shown (waiting at most eraseReplyMs),
   * then everything the widget stored in this browser is removed and a new session begins.
   */
  function eraseConversation() {
    const queued = state.outbox.length;
    state.outbox = []; // nothing more of this conversation is sent
    state.erasing = { replies: [], settle: null, limit: setTimeout(finishErase, config.eraseReplyMs) };
    if (queued) save();
    sessionId();
    connectNow();
    sendHidden(ERASE_PAYLOAD);
  }

  function onEraseReply(text) {
    const erasing = state.erasing;
    if (text && text.trim()) erasing.replies.push(text);
    clearTimeout(erasing.settle);
    erasing.settle = setTimeout(finishErase, ERASE_SETTLE_MS);
  }

  function finishErase() {
    const erasing = state.erasing;
    if (!erasing) return;
    clearTimeout(erasing.limit);
    clearTimeout(erasing.settle);
    state.erasing = null;
    const confirmedIn = lang(); // the assistant confirmed in the conversation's language
    clearConversation();
    storage.eraseAll();
    resetLanguage();
    state.sessionId = storage.newSessionId();
    if (erasing.replies.length) {
      erasing.replies.forEach((text) => addEntry({ from: "bot", text, lang: confirmedIn }, false));
    } else {
      addEntry({ from: "bot", local: "erase", text: t(lang(), "eraseUnconfirmed"), lang: lang() }, false);
    }
    showFirstMessage(false);
    sendSessionRequest();
  }

  // --------------------------------------------------------------- language
  /** The widget in ``language`` from now on: its words at once, kept for the next page. */
  function setLanguage(language) {
    if (!language || language === state.language) return;
    state.language = language;
    storage.saveLanguage(language);
    ui.setLanguage(language);
    translateIntro();
    renderAll();
  }

  /** Back to the page's language (Start over, erase): nothing of the parent's choice stays. */
  function resetLanguage() {
    state.switching = false;
    state.language = config.language;
    ui.setLanguage(state.language);
  }

  // The notice and first message are the widget's own: they follow its language.
  function translateIntro() {
    for (const entry of state.transcript) {
      if (entry.local === "notice" && NOTICE[lang()]) {
        entry.text = NOTICE[lang()];
        entry.lang = lang();
      } else if (entry.intro && pageText(config, lang(), "firstMessage")) {
        entry.text = pageText(config, lang(), "firstMessage");
        entry.lang = lang();
      }
    }
    save();
  }

  // The English/Español switch: the widget changes at once and tells the assistant, which
  // confirms in the new language and answers in it from then on.
  function switchLanguage() {
    const next = lang() === SPANISH ? ENGLISH : SPANISH;
    setLanguage(next);
    state.switching = true;
    state.switchedAt = state.transcript.length;
    sessionId();
    connectNow();
    sendHidden(SWITCH_PAYLOAD[next]);
  }

  // A reply in the other language (the parent wrote in it): the widget follows. Replies
  // that do not say (the assistant's fixed responses) change nothing, and neither do
  // replies to earlier messages while a switch is being confirmed.
  function followReplyLanguage(language, text) {
    if (state.switching) {
      if (language === lang() || (language === null && text !== null && text.trim())) state.switching = false;
      return;
    }
    setLanguage(language);
  }

  function startOver(answer) {
    if (answer.erase) eraseConversation();
    else restart();
    ui.input.focus();
  }

  // -------------------------------------------------------------------- start
  function init() {
    loadCss(config, ui.root);
    document.body.appendChild(ui.root);
    ui.setStatus("connecting");
    // Outbox items whose bubble has gone (transcript capped) still get sent;
    // bubbles marked pending without an outbox item are no longer pending.
    const now = Date.now();
    const pendingIds = new Set(state.outbox.map((item) => item.id));
    state.outbox.forEach((item) => {
      item.queuedAt = now; // a new page gets a full delivery window: the connection is only starting
    });
    for (const e of state.transcript) {
      if (e.pending && !pendingIds.has(e.pending)) delete e.pending;
      if (e.failed && typeof e.message !== "string") delete e.failed; // nothing to resend
    }
    renderAll();
    if (state.transcript.length === 0) showFirstMessage();
    const draft = storage.loadDraft();
    if (draft) ui.setDraft(draft);
    const reopen = storage.wasOpen() && (!isFullScreen() || draft.trim() !== "");
    setOpen(reopen, false, false);
    scheduleExpiryCheck();
    if (hasConversation()) connectNow();
  }

  return {
    init,
    open: () => open(),
    close: () => close(),
    send: (text) => sendUserMessage(text, null),
    restart: () => restart(),
    sessionId: () => state.sessionId,
    language: () => state.language
  };
}
