// What the widget reads from a reply frame (site/widget/src/replies.js): the contract, the
// quick replies, the language, the event and the text, wherever the channel put them.
import { test } from "node:test";
import assert from "node:assert/strict";
import DEFINES from "./build-defines.js";

const { extractCustom, cleanQuickReplies, replyLanguage, replyEvent, replyText } = await import("../src/replies.js");

test("the contract is the frame itself, its data or its custom, when it has a topic", () => {
  assert.deepEqual(extractCustom({ topic: "cost" }), { topic: "cost" });
  assert.deepEqual(extractCustom({ text: "x", custom: { topic: "cost", room: "r" } }), { topic: "cost", room: "r" });
  assert.deepEqual(extractCustom({ data: { topic: "cost" } }), { topic: "cost" });
  assert.equal(extractCustom({ text: "x", custom: { language: "es" } }), null);
  assert.equal(extractCustom(null), null);
});

test("quick replies: title or payload stands in for the other, junk is dropped", () => {
  assert.deepEqual(cleanQuickReplies([{ title: "Yes", payload: "/affirm" }, { payload: "/deny" }, null, { title: 3 }]), [
    { content_type: "text", title: "Yes", payload: "/affirm" },
    { content_type: "text", title: "/deny", payload: "/deny" }
  ]);
  assert.equal(cleanQuickReplies([]), null);
  assert.equal(cleanQuickReplies("no"), null);
});

test("the reply's language and event, from the frame or its custom payload", () => {
  assert.equal(replyLanguage({ text: "Hola", custom: { language: "es-MX" } }), "es");
  assert.equal(replyLanguage({ text: "Hi" }), null);
  assert.equal(replyEvent({ custom: { event: DEFINES.IEP_CONVERSATION_ERASED } }), DEFINES.IEP_CONVERSATION_ERASED);
  assert.equal(replyEvent({ text: "x" }), "");
});

test("text, or an http(s) attachment offered as a link, never another scheme", () => {
  assert.equal(replyText({ text: "Hi" }, "en"), "Hi");
  const linked = replyText({ attachment: { payload: { src: "https://x.org/a.png" } } }, "en");
  assert.ok(linked.includes("https://x.org/a.png"));
  assert.equal(replyText({ attachment: { payload: { src: "javascript:alert(1)" } } }, "en"), null);
});
