// The embedding page's settings (window.IEPChatConfig), with defaults for every key.

import { ENGLISH, normalizeLanguage, t } from "./strings.js";
import { MAX_MESSAGE_CHARS, RETENTION_DAYS } from "./contract.js";

/** The <script> element that loaded the widget: its URL locates the CSS, contacts and client. */
function findOwnScript() {
  if (document.currentScript && document.currentScript.src) return document.currentScript;
  const scripts = document.getElementsByTagName("script");
  for (let i = scripts.length - 1; i >= 0; i--) {
    const src = scripts[i].getAttribute("src") || "";
    if (/iep-chat(\.min)?\.js(?:[?#].*)?$/.test(src)) return scripts[i];
  }
  return null;
}

function resolveUrl(relative, base) {
  try {
    return new URL(relative, base).href;
  } catch {
    return relative;
  }
}

export const DEFAULTS = {
  serverUrl: "http://localhost:5005",
  socketPath: "/socket.io",
  // "en" or "es"; default: the page's <html lang> ("es-*" is Spanish), else English.
  language: null,
  // title, firstMessage and inputPlaceholder default to the widget's strings table
  // (strings.js) in the widget's language. A page's own string is for the page's language;
  // { en: "...", es: "..." } gives one per language.
  title: null,
  colors: { primary: "#1d4e89", primaryText: "#ffffff" },
  firstMessage: null,
  // The FAQ page for "Read this in the FAQ": a string (English; Spanish replies link to its
  // /es/ twin when it ends in /faq/) or { en: "...", es: "..." }.
  faqUrl: "/faq/",
  socketioClientUrl: null, // default: ../vendor/socket.io.min.js relative to this script
  cssUrl: null, // default: iep-chat.css next to this script; false to skip
  inputPlaceholder: null,
  maxLength: MAX_MESSAGE_CHARS, // the server's limit (contract/limits.py)
  helpContactsUrl: null, // default: help-contacts.json next to this script (written by the site build)
  thinkingDelayMs: 300, // show "Thinking…" only when a reply is not (nearly) instant
  slowReplyMs: 10000, // then say it is taking long, with the help contacts
  offlineGraceMs: 3000, // a supervisor restart takes seconds: only then call it unreachable
  deliveryTimeoutMs: 30000, // a queued message not sent by then is marked "Not delivered"
  eraseReplyMs: 5000, // how long "Start over" waits for the assistant to confirm a deletion
  // A stored conversation idle for longer is dropped from this browser. The site build
  // sets it to the server's RETENTION_DAYS (contract.js), so both copies go together; a
  // page may ask for less, never more.
  retentionDays: RETENTION_DAYS
};

/** The configuration the widget runs with: the page's values where given and sensible. */
export function readConfig() {
  const own = findOwnScript();
  const scriptSrc = own && own.src ? own.src : window.location.href;
  const user = window.IEPChatConfig && typeof window.IEPChatConfig === "object" ? window.IEPChatConfig : {};
  const pick = (key) => {
    const v = user[key];
    return v === undefined || v === null || v === "" ? DEFAULTS[key] : v;
  };
  // A non-negative number from the page's config, or the default when absent or nonsense.
  const pickNumber = (key) => {
    const v = Number(user[key]);
    return user[key] !== undefined && user[key] !== null && isFinite(v) && v >= 0 ? v : DEFAULTS[key];
  };
  const colors = user.colors || {};
  const config = {
    serverUrl: String(pick("serverUrl")),
    socketPath: String(pick("socketPath")),
    language: pageLanguage(user.language),
    texts: {
      title: pageString(user.title, false),
      firstMessage: pageString(user.firstMessage, true),
      inputPlaceholder: pageString(user.inputPlaceholder, false)
    },
    colors: {
      primary: colors.primary || DEFAULTS.colors.primary,
      primaryText: colors.primaryText || DEFAULTS.colors.primaryText
    },
    faqUrls: faqUrls(pick("faqUrl")),
    socketioClientUrl: user.socketioClientUrl
      ? String(user.socketioClientUrl)
      : resolveUrl("../vendor/socket.io.min.js", scriptSrc),
    cssUrl: user.cssUrl === false ? false : user.cssUrl ? String(user.cssUrl) : resolveUrl("iep-chat.css", scriptSrc),
    maxLength: parseInt(pick("maxLength"), 10) || DEFAULTS.maxLength,
    helpContactsUrl: user.helpContactsUrl ? String(user.helpContactsUrl) : resolveUrl("help-contacts.json", scriptSrc),
    thinkingDelayMs: pickNumber("thinkingDelayMs"),
    slowReplyMs: pickNumber("slowReplyMs"),
    offlineGraceMs: pickNumber("offlineGraceMs"),
    deliveryTimeoutMs: pickNumber("deliveryTimeoutMs"),
    eraseReplyMs: pickNumber("eraseReplyMs"),
    retentionDays: Math.min(pickNumber("retentionDays"), DEFAULTS.retentionDays)
  };
  if (config.serverUrl.indexOf("__RASA_URL__") !== -1) {
    // The build step did not replace the placeholder: fall back to the default.
    if (window.console) window.console.warn("[iep-chat] serverUrl placeholder was not replaced; using " + DEFAULTS.serverUrl);
    config.serverUrl = DEFAULTS.serverUrl;
  }
  return config;
}

/** The FAQ page in each language: the Spanish FAQ is /es/faq/ beside /faq/ (site build). */
function faqUrls(value) {
  const given = pageString(value, false);
  const english = (given && typeof given === "object" ? given.en : given) || DEFAULTS.faqUrl;
  const twin = /\/faq\/?$/.test(english) ? english.replace(/\/faq\/?$/, "/es/faq/") : english;
  const spanish = given && typeof given === "object" && given.es ? given.es : twin;
  return { en: String(english), es: String(spanish) };
}

/** The page's language: the config's, else <html lang>, else English. */
function pageLanguage(configured) {
  const root = document.documentElement;
  return normalizeLanguage(configured) || normalizeLanguage(root && root.getAttribute("lang")) || ENGLISH;
}

/** A page's own text: a string (for the page's language), or {en, es}; null when not given. */
function pageString(value, emptyAllowed) {
  if (typeof value === "string") return value !== "" || emptyAllowed ? value : null;
  if (value && typeof value === "object") {
    const out = {};
    for (const lang of Object.keys(value)) {
      const code = normalizeLanguage(lang);
      if (code && typeof value[lang] === "string") out[code] = value[lang];
    }
    return out;
  }
  return null;
}

/**
 * title, firstMessage or inputPlaceholder in ``language``: the page's own text when it
 * gave one for that language (a plain string counts for the page's language), else the
 * widget's strings table.
 */
export function pageText(config, language, key) {
  const own = config.texts[key];
  if (typeof own === "string" && language === config.language) return own;
  if (own && typeof own === "object" && typeof own[language] === "string") return own[language];
  return t(language, key);
}
