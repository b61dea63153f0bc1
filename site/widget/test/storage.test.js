// What the widget keeps in the browser (site/widget/src/storage.js), with a fake
// localStorage and sessionStorage: the conversation only once the parent said something,
// expiry after the retention period, erase removes every widget key (and only those),
// and storage that throws falls back to memory.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { webcrypto } from "node:crypto";
import "./build-defines.js";

class FakeStorage {
  constructor() {
    this.items = new Map();
    this.failWrites = false;
  }
  get length() {
    return this.items.size;
  }
  key(i) {
    return [...this.items.keys()][i] ?? null;
  }
  getItem(k) {
    return this.items.has(k) ? this.items.get(k) : null;
  }
  setItem(k, v) {
    if (this.failWrites) throw new Error("QuotaExceededError");
    this.items.set(k, String(v));
  }
  removeItem(k) {
    this.items.delete(k);
  }
}

const win = { crypto: webcrypto }; // the browser window the module reads
globalThis.window = win;
const storage = await import("../src/storage.js");
const { KEYS } = storage;
const DAY_MS = 24 * 60 * 60 * 1000;

beforeEach(() => {
  storage.eraseAll(); // the module's memory fallback, from the previous test
  win.localStorage = new FakeStorage();
  win.sessionStorage = new FakeStorage();
});

const said = [{ from: "bot", text: "Hi" }, { from: "user", text: "What is mediation?" }];

test("nothing is kept until the parent says something", () => {
  storage.saveConversation("abcdef123456", [{ from: "bot", text: "Hi" }], []);
  assert.equal(win.localStorage.length, 0);
  storage.saveConversation("abcdef123456", said, []);
  assert.equal(win.localStorage.getItem(KEYS.session), "abcdef123456");
  assert.deepEqual(storage.loadConversation(30), { sessionId: "abcdef123456", transcript: said, outbox: [] });
});

test("a conversation idle past the retention period is dropped, with its language", () => {
  storage.saveConversation("abcdef123456", said, [{ id: "m1", message: "later" }]);
  storage.saveLanguage("es");
  win.localStorage.setItem(KEYS.activity, String(Date.now() - 31 * DAY_MS));
  assert.deepEqual(storage.loadConversation(30), { sessionId: null, transcript: [], outbox: [] });
  assert.equal(win.localStorage.getItem(KEYS.session), null);
  assert.equal(storage.loadLanguage(), null);
});

test("within the retention period it is kept", () => {
  storage.saveConversation("abcdef123456", said, []);
  win.localStorage.setItem(KEYS.activity, String(Date.now() - 29 * DAY_MS));
  assert.equal(storage.loadConversation(30).sessionId, "abcdef123456");
});

test("invalid stored entries, outbox items and session ids are ignored", () => {
  win.localStorage.setItem(KEYS.session, "<bad id>");
  win.localStorage.setItem(KEYS.transcript, JSON.stringify([{ from: "x", text: "?" }, { from: "user", text: "ok" }, 3]));
  win.localStorage.setItem(KEYS.outbox, "not json");
  assert.deepEqual(storage.loadConversation(30), { sessionId: null, transcript: [{ from: "user", text: "ok" }], outbox: [] });
});

test("eraseAll removes every widget key from both storages and leaves the page's own", () => {
  storage.saveConversation("abcdef123456", said, []);
  storage.saveOpen(true);
  storage.saveDraft("half typed");
  storage.saveHelpContacts([{ name: "CADRE", how: "555-123-4567" }], "es");
  win.localStorage.setItem("site-theme", "dark");
  storage.eraseAll();
  assert.deepEqual([...win.localStorage.items.keys()], ["site-theme"]);
  assert.equal(win.sessionStorage.length, 0);
  assert.equal(storage.wasOpen(), false);
  assert.equal(storage.loadDraft(), "");
});

test("help contacts are kept per language, invalid ones dropped", () => {
  storage.saveHelpContacts([{ name: "A", how: "a@x.org" }, { name: "B" }], "en");
  storage.saveHelpContacts([{ name: "C", how: "c@x.org" }], "es");
  assert.deepEqual(storage.loadHelpContacts("en"), [{ name: "A", how: "a@x.org" }]);
  assert.deepEqual(storage.loadHelpContacts("es"), [{ name: "C", how: "c@x.org" }]);
});

test("the language is en, es or nothing", () => {
  assert.equal(storage.loadLanguage(), null);
  storage.saveLanguage("es");
  assert.equal(storage.loadLanguage(), "es");
  win.localStorage.setItem(KEYS.language, "fr");
  assert.equal(storage.loadLanguage(), null);
});

test("a blank draft is removed, a draft lives in sessionStorage", () => {
  storage.saveDraft("hello");
  assert.equal(win.sessionStorage.getItem(KEYS.draft), "hello");
  storage.saveDraft("   ");
  assert.equal(win.sessionStorage.getItem(KEYS.draft), null);
});

test("storage that throws falls back to memory for the page", () => {
  win.localStorage.failWrites = true;
  storage.saveOpen(true);
  assert.equal(storage.wasOpen(), true);
  assert.equal(win.localStorage.length, 0);
});

test("over quota, the newest half of the transcript is kept without bulky fields", () => {
  const long = Array.from({ length: 100 }, (_, i) => ({
    from: i % 2 ? "user" : "bot",
    text: "m" + i,
    custom: { topic: "t", kind: "k", title: "T", answer: "x".repeat(50), source: { text: "s", url: "u" } }
  }));
  const ls = win.localStorage;
  const setItem = ls.setItem.bind(ls);
  let refused = false;
  ls.setItem = (k, v) => {
    if (k === KEYS.transcript && !refused) {
      refused = true;
      throw new Error("QuotaExceededError");
    }
    setItem(k, v);
  };
  storage.saveConversation("abcdef123456", long, []);
  const kept = JSON.parse(ls.getItem(KEYS.transcript));
  assert.equal(kept.length, 50);
  assert.equal(kept[0].text, "m50");
  assert.deepEqual(kept[0].custom, { topic: "t", kind: "k", title: "T", source: { text: "s" } });
});

test("session ids are 32 hex characters and differ", () => {
  const a = storage.newSessionId();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, storage.newSessionId());
});
