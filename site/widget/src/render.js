// Transcript entries as DOM bubbles: the parent's messages, the assistant's (markdown,
// source line, FAQ link, "Was this helpful?", quick replies) and the widget's own notes.

import { renderMarkdown } from "./markdown.js";
import { t } from "./strings.js";

/** An element with attributes (className, text, or any attribute) and children. */
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const k of Object.keys(attrs || {})) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if (k === "className") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const child of children || []) if (child) node.appendChild(child);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

export function chatIcon() {
  const svg = document.createElementNS(SVG_NS, "svg");
  for (const [k, v] of [["viewBox", "0 0 24 24"], ["width", "24"], ["height", "24"], ["aria-hidden", "true"], ["focusable", "false"]]) {
    svg.setAttribute(k, v);
  }
  const path = document.createElementNS(SVG_NS, "path");
  path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
  path.setAttribute("fill", "currentColor");
  svg.appendChild(path);
  return svg;
}

let feedbackIds = 0;

/** The entry's ``lang`` when it is not the widget's: its text says so, for screen readers. */
function otherLanguage(entry, view) {
  return entry.lang && entry.lang !== view.language ? entry.lang : null;
}

/**
 * One bubble for a transcript entry. ``view.faqUrls`` (by language): where "Read this in
 * the FAQ" points; ``view.language`` is the widget's language, for its own words.
 */
export function renderEntry(entry, view) {
  const lang = otherLanguage(entry, view);
  if (entry.from === "user") {
    const bubble = el("div", { className: "iep-msg iep-msg-user" }, [el("div", { className: "iep-msg-text", text: entry.text, lang })]);
    const note = deliveryNote(entry, view.language);
    if (note) bubble.appendChild(note);
    return bubble;
  }
  // Notes the widget writes itself (offline, slow reply) look like the assistant's, marked.
  const bubble = el("div", { className: "iep-msg iep-msg-bot" + (entry.local ? " iep-msg-local" : ""), "data-local": entry.local || null });
  const body = el("div", { className: "iep-msg-text", lang });
  body.appendChild(renderMarkdown(entry.text));
  bubble.appendChild(body);
  if (entry.custom) renderCustom(bubble, entry, view);
  if (entry.quickReplies && entry.quickReplies.length) bubble.appendChild(renderQuickReplies(entry.quickReplies, view.language, lang));
  return bubble;
}

/** "waiting to send", a real retry button (keyboard as well as tap), or nothing. */
function deliveryNote(entry, language) {
  if (entry.pending) return el("span", { className: "iep-pending", text: t(language, "pending") });
  if (entry.failed) return el("button", { type: "button", className: "iep-retry", text: t(language, "notDelivered") });
  return null;
}

/** Replace the note under a user bubble after its delivery state changed. */
export function updateDeliveryNote(bubble, entry, language) {
  const old = bubble.querySelector(".iep-pending, .iep-retry");
  if (old) old.remove();
  const note = deliveryNote(entry, language);
  if (note) bubble.appendChild(note);
}

function renderQuickReplies(replies, language, lang) {
  return el(
    "div",
    { className: "iep-quick-replies", role: "group", "aria-label": t(language, "suggestedReplies") },
    replies.map((r, i) => el("button", { type: "button", className: "iep-quick-reply", text: r.title, "data-index": String(i), lang }))
  );
}

/** The source line, FAQ link and feedback under a knowledge-base answer. */
export function renderCustom(bubble, entry, view) {
  const language = view.language;
  const old = bubble.querySelector(".iep-extras");
  if (old) old.remove();
  const c = entry.custom;
  const extras = el("div", { className: "iep-extras" });
  if (c.source && typeof c.source.text === "string" && c.source.text) {
    extras.appendChild(el("p", { className: "iep-source", text: c.source.text, lang: otherLanguage(entry, view) }));
  }
  let anchor = typeof c.faq_anchor === "string" ? c.faq_anchor : "";
  if (anchor && anchor.charAt(0) !== "#") anchor = "#" + anchor;
  const link = el("a", { className: "iep-faq-link", target: "_blank", rel: "noopener", href: (view.faqUrls[entry.lang || language] || view.faqUrls.en) + anchor, text: t(language, "readInFaq") });
  extras.appendChild(el("p", { className: "iep-faq" }, [link]));
  if (entry.feedback) {
    extras.appendChild(feedbackThanks(language));
  } else {
    const qid = "iep-chat-fb-" + ++feedbackIds;
    extras.appendChild(
      el("div", { className: "iep-feedback", role: "group", "aria-labelledby": qid }, [
        el("span", { className: "iep-feedback-question", id: qid, text: t(language, "helpful") }),
        el("button", { type: "button", "data-helpful": "yes", text: t(language, "yes") }),
        el("button", { type: "button", "data-helpful": "no", text: t(language, "no") })
      ])
    );
  }
  // Extras above the quick replies.
  bubble.insertBefore(extras, bubble.querySelector(".iep-quick-replies"));
}

export function feedbackThanks(language) {
  return el("p", { className: "iep-feedback-thanks", text: t(language, "thanks"), tabindex: "-1" });
}
