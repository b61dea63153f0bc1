// The embedding page's settings (site/widget/src/config.js), with a fake window and
// document: defaults, the page's language, URLs beside the widget's script, numbers that
// make no sense ignored, and a retention period that may only be shorter than the server's.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import DEFINES from "./build-defines.js";

const SCRIPT = "https://example.org/widget/iep-chat.js";
let warnings;

function page({ config, lang = null, script = SCRIPT } = {}) {
  warnings = [];
  globalThis.window = {
    IEPChatConfig: config,
    location: { href: "https://example.org/page.html" },
    console: { warn: (m) => warnings.push(m) }
  };
  globalThis.document = {
    currentScript: script ? { src: script } : null,
    getElementsByTagName: () => [],
    documentElement: { getAttribute: (name) => (name === "lang" ? lang : null) }
  };
}

const { readConfig, pageText, DEFAULTS } = await import("../src/config.js");

beforeEach(() => page());

test("with no configuration, every default; files are found beside the script", () => {
  const c = readConfig();
  assert.equal(c.serverUrl, DEFAULTS.serverUrl);
  assert.equal(c.language, "en");
  assert.equal(c.maxLength, DEFINES.IEP_MAX_MESSAGE_CHARS);
  assert.equal(c.retentionDays, DEFINES.IEP_RETENTION_DAYS);
  assert.equal(c.socketioClientUrl, "https://example.org/vendor/socket.io.min.js");
  assert.equal(c.cssUrl, "https://example.org/widget/iep-chat.css");
  assert.equal(c.helpContactsUrl, "https://example.org/widget/help-contacts.json");
  assert.deepEqual(c.faqUrls, { en: "/faq/", es: "/es/faq/" });
  assert.deepEqual(c.colors, DEFAULTS.colors);
});

test("the language: the config's, else the page's <html lang>, else English", () => {
  page({ lang: "es-MX" });
  assert.equal(readConfig().language, "es");
  page({ config: { language: "en" }, lang: "es" });
  assert.equal(readConfig().language, "en");
  page({ lang: "fr" });
  assert.equal(readConfig().language, "en");
});

test("nonsense numbers fall back to the defaults; sensible ones are kept", () => {
  page({ config: { slowReplyMs: -5, offlineGraceMs: "soon", thinkingDelayMs: 0, deliveryTimeoutMs: "1200" } });
  const c = readConfig();
  assert.equal(c.slowReplyMs, DEFAULTS.slowReplyMs);
  assert.equal(c.offlineGraceMs, DEFAULTS.offlineGraceMs);
  assert.equal(c.thinkingDelayMs, 0);
  assert.equal(c.deliveryTimeoutMs, 1200);
});

test("a page may keep a conversation for less time than the server, never more", () => {
  page({ config: { retentionDays: 2 } });
  assert.equal(readConfig().retentionDays, 2);
  page({ config: { retentionDays: DEFINES.IEP_RETENTION_DAYS + 100 } });
  assert.equal(readConfig().retentionDays, DEFINES.IEP_RETENTION_DAYS);
});

test("an unreplaced __RASA_URL__ placeholder falls back to the default server, with a warning", () => {
  page({ config: { serverUrl: "__RASA_URL__" } });
  assert.equal(readConfig().serverUrl, DEFAULTS.serverUrl);
  assert.equal(warnings.length, 1);
});

test("cssUrl false skips the stylesheet; explicit URLs are kept", () => {
  page({ config: { cssUrl: false, socketioClientUrl: "/io.js", helpContactsUrl: "/c.json" } });
  const c = readConfig();
  assert.equal(c.cssUrl, false);
  assert.equal(c.socketioClientUrl, "/io.js");
  assert.equal(c.helpContactsUrl, "/c.json");
});

test("the FAQ link: a /faq/ URL has a Spanish twin; {en, es} gives both", () => {
  page({ config: { faqUrl: "https://x.org/help/faq" } });
  assert.deepEqual(readConfig().faqUrls, { en: "https://x.org/help/faq", es: "https://x.org/help/es/faq/" });
  page({ config: { faqUrl: { en: "/questions", es: "/preguntas" } } });
  assert.deepEqual(readConfig().faqUrls, { en: "/questions", es: "/preguntas" });
});

test("without document.currentScript the widget's <script> tag locates its files", () => {
  page({ script: null });
  globalThis.document.getElementsByTagName = () => [
    { getAttribute: () => "/other.js", src: "https://example.org/other.js" },
    { getAttribute: () => "/assets/iep-chat.js?v=2", src: "https://cdn.example.net/assets/iep-chat.js?v=2" }
  ];
  assert.equal(readConfig().cssUrl, "https://cdn.example.net/assets/iep-chat.css");
});

test("pageText: the page's own string in the page's language, else the strings table", () => {
  page({ config: { title: "Ask us", firstMessage: { en: "Hello", es: "Hola" } } });
  const c = readConfig();
  assert.equal(pageText(c, "en", "title"), "Ask us");
  assert.notEqual(pageText(c, "es", "title"), "Ask us"); // the widget's Spanish title
  assert.ok(pageText(c, "es", "title"));
  assert.equal(pageText(c, "es", "firstMessage"), "Hola");
  assert.equal(pageText(c, "en", "firstMessage"), "Hello");
});
