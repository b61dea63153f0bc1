// Sending: what the parent sends goes out at once when connected, else waits in the
// outbox (kept in storage); what was in flight when the socket dropped is queued again;
// a queued message not sent within the delivery timeout is marked "Not delivered", with
// a retry.

import * as storage from "./storage.js";
import { updateDeliveryNote } from "./render.js";
import { LANGUAGE_KEY, USER_MESSAGE_EVENT } from "./contract.js";

/** The outbox part of ``chat`` (createChat's shared parts): sending and delivery. */
export function createOutbox(chat) {
  const { state, config } = chat;
  const save = () => chat.transcript.save();

  function newMessageId() {
    return storage.newSessionId().slice(0, 12) + Date.now().toString(36);
  }

  function canSend() {
    return chat.connection.connected && state.confirmed;
  }

  // Emit one outbox item. A visible message stays "in flight" until a reply comes, so a
  // socket that drops first (server restart) gets it queued again rather than lost.
  function deliver(item) {
    // The widget's language with every message: the assistant starts a conversation in it.
    chat.connection.emit(USER_MESSAGE_EVENT, {
      message: item.message,
      session_id: chat.sessionId(),
      metadata: { [LANGUAGE_KEY]: chat.lang() }
    });
    if (!item.hidden) {
      state.inFlight.push({ id: item.id, message: item.message });
      chat.waiting.start();
    }
  }

  /** Send ``message``, showing ``display`` (or the message) as the parent's bubble. */
  function sendUserMessage(message, display) {
    message = String(message === null || message === undefined ? "" : message).slice(0, config.maxLength);
    if (!message.trim()) return false;
    const id = newMessageId();
    const entry = { from: "user", text: display === null || display === undefined ? message : String(display), id };
    const item = { id, message, queuedAt: Date.now() };
    chat.sessionId();
    chat.link.connectNow();
    if (canSend() && state.outbox.length === 0) {
      chat.transcript.addEntry(entry);
      deliver(item);
    } else {
      entry.pending = id;
      chat.transcript.addEntry(entry);
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
    flush();
    if (state.outbox.length) {
      scheduleExpiryCheck();
      if (!item.hidden) chat.contacts.noteQueuedWhileOffline();
    }
  }

  function flush() {
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

  function markSent(id) {
    const i = chat.transcript.indexOfMessage(id);
    if (i < 0 || !state.transcript[i].pending) return;
    delete state.transcript[i].pending;
    updateDeliveryNote(state.nodes[i], state.transcript[i], chat.lang());
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
      const i = chat.transcript.indexOfMessage(item.id);
      if (i < 0) continue;
      state.transcript[i].pending = item.id;
      updateDeliveryNote(state.nodes[i], state.transcript[i], chat.lang());
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
      const i = overdue ? chat.transcript.indexOfMessage(item.id) : -1;
      if (overdue && i < 0) item.orphan = true; // its bubble is gone (long transcript): nothing to mark
      if (i < 0) return true;
      const entry = state.transcript[i];
      delete entry.pending;
      entry.failed = true;
      entry.message = item.message; // what "retry" sends (may differ from the bubble's text)
      updateDeliveryNote(state.nodes[i], entry, chat.lang());
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
    updateDeliveryNote(state.nodes[idx], entry, chat.lang());
    save();
    enqueue(item);
  }

  // A new page: queued items get a full delivery window (the connection is only
  // starting); bubbles marked pending without an outbox item are no longer pending.
  function resume() {
    const now = Date.now();
    const pendingIds = new Set(state.outbox.map((item) => item.id));
    state.outbox.forEach((item) => {
      item.queuedAt = now;
    });
    for (const e of state.transcript) {
      if (e.pending && !pendingIds.has(e.pending)) delete e.pending;
      if (e.failed && typeof e.message !== "string") delete e.failed; // nothing to resend
    }
  }

  return { newMessageId, canSend, sendUserMessage, sendHidden, flush, requeueInFlight, scheduleExpiryCheck, retry, resume };
}
