// The assistant's replies: what a reply frame holds (text, quick replies, a contract with
// the topic, its language, an event), how it is shown, and the buttons on it (helpful or
// not, quick replies, retry of an undelivered message).

import { renderCustom, feedbackThanks } from "./render.js";
import { safeHttpUrl } from "./markdown.js";
import { t, normalizeLanguage } from "./strings.js";
import { ERASED_EVENT, FEEDBACK_PAYLOAD } from "./contract.js";

/** The reply's contract (the custom payload with a topic), or null. */
export function extractCustom(data) {
  if (!data || typeof data !== "object") return null;
  if (typeof data.topic === "string" && data.topic) return data;
  if (data.data && typeof data.data === "object" && typeof data.data.topic === "string") return data.data;
  if (data.custom && typeof data.custom === "object" && typeof data.custom.topic === "string") return data.custom;
  return null;
}

export function replyEvent(data) {
  for (const holder of [data, data.data, data.custom]) {
    if (holder && typeof holder === "object" && typeof holder.event === "string") return holder.event;
  }
  return "";
}

export function cleanQuickReplies(list) {
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
export function replyLanguage(data) {
  for (const holder of [data, data.data, data.custom]) {
    if (holder && typeof holder === "object" && typeof holder.language === "string") return normalizeLanguage(holder.language);
  }
  return null;
}

/** The reply's text; an image or file attachment is offered as a link (never loaded inline). */
export function replyText(data, language) {
  let text = typeof data.text === "string" ? data.text : null;
  if (text === null && !extractCustom(data) && data.attachment && typeof data.attachment === "object") {
    const p = data.attachment.payload;
    const src = p && (p.src || p.url);
    if (safeHttpUrl(src)) text = t(language, "attachment", { url: src });
  }
  return text;
}

/** The replies part of ``chat`` (createChat's shared parts). */
export function createReplies(chat) {
  const { state } = chat;

  function onBotUttered(data) {
    if (typeof data === "string") data = { text: data };
    if (!data || typeof data !== "object") return;
    // The first part of a reply: the server has the message, and "Thinking…" can go; so
    // can a note that it couldn't be reached.
    state.inFlight = [];
    chat.waiting.stop();
    chat.transcript.dropLocalNotes("offline");
    const text = replyText(data, chat.lang());
    if (state.erasing) {
      chat.erase.onReply(text);
      return;
    }
    if (replyEvent(data) === ERASED_EVENT) {
      chat.erase.erasedByServer(text);
      return;
    }
    const custom = extractCustom(data);
    const qr = cleanQuickReplies(data.quick_replies || data.buttons);
    if (chat.transcript.isNotice(text) && !qr && state.transcript.some((e) => e.local === "notice")) {
      return; // already shown from the build (in the widget's language)
    }
    chat.language.followReply(replyLanguage(data), text);
    if (text !== null && (text.trim() || qr)) {
      const entry = { from: "bot", text, lang: replyLanguage(data) || chat.lang() };
      if (qr) entry.quickReplies = qr;
      chat.transcript.addEntry(entry);
    }
    if (custom) attachCustom(custom);
  }

  function attachCustom(custom) {
    const copy = {};
    for (const k of Object.keys(custom)) if (k !== "room") copy[k] = custom[k];
    let idx = -1;
    for (let i = state.transcript.length - 1; i >= 0 && idx < 0; i--) if (state.transcript[i].from === "bot") idx = i;
    if (idx < 0) {
      chat.transcript.addEntry({ from: "bot", text: typeof copy.answer === "string" ? copy.answer : "", custom: copy });
      return;
    }
    const entry = state.transcript[idx];
    entry.custom = copy;
    delete entry.feedback;
    renderCustom(state.nodes[idx], entry, chat.view());
    chat.transcript.save();
    chat.transcript.scrollToLatest();
  }

  function onLogClick(ev) {
    const ui = chat.ui;
    const btn = ev.target && ev.target.closest ? ev.target.closest("button") : null;
    if (!btn || !ui.log.contains(btn)) return;
    const idx = state.nodes.indexOf(btn.closest(".iep-msg"));
    if (idx < 0) return;
    const entry = state.transcript[idx];
    if (btn.classList.contains("iep-retry")) {
      chat.outbox.retry(idx);
      ui.input.focus(); // the button is gone: keep focus where the parent types
    } else if (btn.hasAttribute("data-helpful")) {
      const helpful = btn.getAttribute("data-helpful") === "yes" ? "yes" : "no";
      const topic = entry.custom && entry.custom.topic ? String(entry.custom.topic) : "";
      chat.outbox.sendHidden(FEEDBACK_PAYLOAD + JSON.stringify({ helpful, topic }));
      entry.feedback = helpful;
      chat.transcript.save();
      const thanks = feedbackThanks(chat.lang());
      btn.closest(".iep-feedback").replaceWith(thanks);
      thanks.focus(); // keep keyboard focus in the conversation
    } else if (btn.classList.contains("iep-quick-reply")) {
      const reply = (entry.quickReplies || [])[parseInt(btn.getAttribute("data-index"), 10)];
      if (!reply) return;
      delete entry.quickReplies;
      chat.transcript.save();
      btn.closest(".iep-quick-replies").remove();
      chat.outbox.sendUserMessage(reply.payload || reply.title, reply.title);
      ui.input.focus();
    }
  }

  return { onBotUttered, onLogClick };
}
