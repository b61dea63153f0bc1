// What the widget keeps in this browser, and nothing else: the conversation (session id,
// transcript, outbox, last activity) once the parent has said something, whether the panel
// was open, an unsent draft (this tab only), the help contacts, and the language the
// parent chose. All keys start with
// "iep-chat-", so "delete this conversation" can remove every one of them.

const PREFIX = "iep-chat-";
export const KEYS = {
  session: PREFIX + "session",
  transcript: PREFIX + "transcript",
  outbox: PREFIX + "outbox",
  activity: PREFIX + "last-activity",
  open: PREFIX + "open",
  helpContacts: PREFIX + "help-contacts", // English; Spanish under "-es"
  language: PREFIX + "language",
  draft: PREFIX + "draft" // sessionStorage: the tab's unsent message
};
export const MAX_TRANSCRIPT = 100;
const DAY_MS = 24 * 60 * 60 * 1000;

// Storage that throws (private mode, blocked cookies) falls back to memory for this page.
const memory = { local: {}, session: {} };

function area(kind) {
  try {
    return kind === "session" ? window.sessionStorage : window.localStorage;
  } catch {
    return null;
  }
}

export function get(key, kind = "local") {
  const mem = memory[kind];
  try {
    const v = area(kind).getItem(key);
    return v === null ? (key in mem ? mem[key] : null) : v;
  } catch {
    return key in mem ? mem[key] : null;
  }
}

export function set(key, value, kind = "local") {
  memory[kind][key] = value;
  try {
    area(kind).setItem(key, value);
    return true;
  } catch {
    return false;
  }
}

export function remove(key, kind = "local") {
  delete memory[kind][key];
  try {
    area(kind).removeItem(key);
  } catch {
    /* nothing stored there */
  }
}

/** Every key the widget wrote, in both storages and in memory. */
export function eraseAll() {
  for (const kind of ["local", "session"]) {
    memory[kind] = {};
    const store = area(kind);
    if (!store) continue;
    try {
      const ours = [];
      for (let i = 0; i < store.length; i++) {
        const key = store.key(i);
        if (key && key.indexOf(PREFIX) === 0) ours.push(key);
      }
      ours.forEach((key) => store.removeItem(key));
    } catch {
      /* nothing stored there */
    }
  }
}

export function readJsonArray(key) {
  const raw = get(key);
  if (!raw) return [];
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
}

/** A random 32-hex id: the only thing that ties a conversation to this browser. */
export function newSessionId() {
  const c = window.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID().replace(/-/g, "");
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => (b < 16 ? "0" : "") + b.toString(16)).join("");
}

export function storedSessionId() {
  const id = get(KEYS.session);
  return id && /^[A-Za-z0-9_-]{8,128}$/.test(id) ? id : null;
}

const isValidEntry = (e) =>
  e && typeof e === "object" && (e.from === "user" || e.from === "bot") && typeof e.text === "string";
const isValidOutboxItem = (o) => o && typeof o === "object" && typeof o.id === "string" && typeof o.message === "string";
export const isValidContact = (c) => c && typeof c === "object" && typeof c.name === "string" && typeof c.how === "string";

/**
 * The stored conversation, or an empty one when there is none or it has been idle for
 * longer than ``retentionDays``: an old conversation is dropped from the browser, not shown.
 */
export function loadConversation(retentionDays) {
  const transcript = readJsonArray(KEYS.transcript).filter(isValidEntry).slice(-MAX_TRANSCRIPT);
  const outbox = readJsonArray(KEYS.outbox).filter(isValidOutboxItem);
  const stored = transcript.length || outbox.length || get(KEYS.session);
  const last = parseInt(get(KEYS.activity) || "", 10);
  if (stored && isFinite(last) && Date.now() - last > retentionDays * DAY_MS) {
    forgetConversation();
    forgetLanguage(); // chosen in that conversation: it goes with it
    remove(KEYS.draft, "session");
    return { sessionId: null, transcript: [], outbox: [] };
  }
  if (stored && !isFinite(last)) touch(); // kept by an older widget: its clock starts now
  return { sessionId: storedSessionId(), transcript, outbox };
}

/** The conversation's keys (not the panel state or contacts): what expiry drops. */
export function forgetConversation() {
  [KEYS.session, KEYS.transcript, KEYS.outbox, KEYS.activity].forEach((key) => remove(key));
}

function touch() {
  set(KEYS.activity, String(Date.now()));
}

/**
 * Keep the conversation, but only once the parent has said something: a page where the
 * chat was only looked at leaves no conversation behind.
 */
export function saveConversation(sessionId, transcript, outbox) {
  const said = outbox.length || transcript.some((e) => e.from === "user");
  if (!said || !sessionId) {
    forgetConversation();
    return;
  }
  set(KEYS.session, sessionId);
  set(KEYS.outbox, JSON.stringify(outbox));
  if (!set(KEYS.transcript, JSON.stringify(transcript))) {
    // Quota trouble: keep the newest half, without the bulky custom fields.
    const slim = transcript.slice(-Math.ceil(MAX_TRANSCRIPT / 2)).map((e) => {
      const copy = Object.assign({}, e);
      if (copy.custom) copy.custom = slimCustom(copy.custom);
      return copy;
    });
    set(KEYS.transcript, JSON.stringify(slim));
  }
  touch();
}

function slimCustom(c) {
  return {
    topic: c.topic,
    kind: c.kind,
    title: c.title,
    source: c.source && typeof c.source.text === "string" ? { text: c.source.text } : null,
    faq_anchor: c.faq_anchor
  };
}

const contactsKey = (language) => KEYS.helpContacts + (language === "es" ? "-es" : "");

export function loadHelpContacts(language) {
  return readJsonArray(contactsKey(language)).filter(isValidContact);
}

export function saveHelpContacts(list, language) {
  set(contactsKey(language), JSON.stringify(list));
}

/** The language the parent chose (switch, or replies in it), or null: the page's then. */
export function loadLanguage() {
  const v = get(KEYS.language);
  return v === "en" || v === "es" ? v : null;
}

export function saveLanguage(language) {
  set(KEYS.language, language);
}

export function forgetLanguage() {
  remove(KEYS.language);
}

export function wasOpen() {
  return get(KEYS.open) === "true";
}

export function saveOpen(isOpen) {
  set(KEYS.open, isOpen ? "true" : "false");
}

export function loadDraft() {
  return get(KEYS.draft, "session") || "";
}

export function saveDraft(text) {
  if (text && text.trim()) set(KEYS.draft, text, "session");
  else remove(KEYS.draft, "session");
}
