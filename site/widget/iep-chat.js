/*!
 * IEP mediation chat widget: plain JavaScript, no framework, no remote resources.
 *
 * Embed:
 *   <script>window.IEPChatConfig = { serverUrl: "http://localhost:5005", ... };</script>
 *   <script src="/widget/iep-chat.js" defer></script>
 *
 * Talks to Rasa's socketio channel (user_uttered / bot_uttered, session_persistence: true).
 * All server and user text is rendered with textContent / DOM nodes, never innerHTML.
 */
(function () {
  "use strict";

  if (window.IEPChat && window.IEPChat.__iepChatLoaded) {
    return; // loaded twice on the same page: keep the first instance
  }

  // ---------------------------------------------------------------------------
  // Where we were loaded from
  // ---------------------------------------------------------------------------
  function findOwnScript() {
    if (document.currentScript && document.currentScript.src) {
      return document.currentScript;
    }
    var scripts = document.getElementsByTagName("script");
    for (var i = scripts.length - 1; i >= 0; i--) {
      var src = scripts[i].getAttribute("src") || "";
      if (/iep-chat(\.min)?\.js(?:[?#].*)?$/.test(src)) {
        return scripts[i];
      }
    }
    return null;
  }

  var ownScript = findOwnScript();
  var scriptSrc = ownScript && ownScript.src ? ownScript.src : window.location.href;

  function resolveUrl(relative, base) {
    try {
      return new URL(relative, base).href;
    } catch (e) {
      return relative;
    }
  }

  // ---------------------------------------------------------------------------
  // Configuration
  // ---------------------------------------------------------------------------
  var DEFAULTS = {
    serverUrl: "http://localhost:5005",
    socketPath: "/socket.io",
    title: "Ask about IEP mediation",
    colors: { primary: "#1d4e89", primaryText: "#ffffff" },
    firstMessage: "Hi! Ask me about IEP mediation.",
    faqUrl: "/faq/",
    socketioClientUrl: null, // default: ../vendor/socket.io.min.js relative to this script
    cssUrl: null, // default: iep-chat.css next to this script; false to skip
    inputPlaceholder: "Type your question…",
    maxLength: 2000,
    helpContactsUrl: null, // default: help-contacts.json next to this script (written by the site build)
    thinkingDelayMs: 300, // show "Thinking…" only when a reply is not (nearly) instant
    slowReplyMs: 10000, // then say it is taking long, with the help contacts
    offlineGraceMs: 3000, // a supervisor restart takes seconds: only then call it unreachable
    deliveryTimeoutMs: 30000 // a queued message not sent by then is marked "Not delivered"
  };

  var userConfig = window.IEPChatConfig && typeof window.IEPChatConfig === "object" ? window.IEPChatConfig : {};

  function pick(key) {
    var v = userConfig[key];
    return v === undefined || v === null || v === "" ? DEFAULTS[key] : v;
  }

  // A delay in milliseconds from the page's config, or the default when absent or nonsense.
  function pickMs(key) {
    var v = Number(userConfig[key]);
    return isFinite(v) && v >= 0 ? v : DEFAULTS[key];
  }

  var config = {
    serverUrl: String(pick("serverUrl")),
    socketPath: String(pick("socketPath")),
    title: String(pick("title")),
    colors: {
      primary: (userConfig.colors && userConfig.colors.primary) || DEFAULTS.colors.primary,
      primaryText: (userConfig.colors && userConfig.colors.primaryText) || DEFAULTS.colors.primaryText
    },
    firstMessage: userConfig.firstMessage === "" ? "" : String(pick("firstMessage")),
    faqUrl: String(pick("faqUrl")),
    socketioClientUrl: userConfig.socketioClientUrl
      ? String(userConfig.socketioClientUrl)
      : resolveUrl("../vendor/socket.io.min.js", scriptSrc),
    cssUrl: userConfig.cssUrl === false ? false : userConfig.cssUrl ? String(userConfig.cssUrl) : resolveUrl("iep-chat.css", scriptSrc),
    inputPlaceholder: String(pick("inputPlaceholder")),
    maxLength: parseInt(pick("maxLength"), 10) || DEFAULTS.maxLength,
    helpContactsUrl: userConfig.helpContactsUrl
      ? String(userConfig.helpContactsUrl)
      : resolveUrl("help-contacts.json", scriptSrc),
    thinkingDelayMs: pickMs("thinkingDelayMs"),
    slowReplyMs: pickMs("slowReplyMs"),
    offlineGraceMs: pickMs("offlineGraceMs"),
    deliveryTimeoutMs: pickMs("deliveryTimeoutMs")
  };

  if (config.serverUrl.indexOf("__RASA_URL__") !== -1) {
    // The build step did not replace the placeholder: fall back to the default.
    if (window.console) {
      window.console.warn("[iep-chat] serverUrl placeholder was not replaced; using " + DEFAULTS.serverUrl);
    }
    config.serverUrl = DEFAULTS.serverUrl;
  }

  // ---------------------------------------------------------------------------
  // Storage (localStorage with an in-memory fallback)
  // ---------------------------------------------------------------------------
  var KEYS = {
    session: "iep-chat-session",
    transcript: "iep-chat-transcript",
    open: "iep-chat-open",
    outbox: "iep-chat-outbox",
    helpContacts: "iep-chat-help-contacts"
  };
  var MAX_TRANSCRIPT = 100;
  var memoryStore = {};

  function storageGet(key) {
    try {
      var v = window.localStorage.getItem(key);
      return v === null ? (key in memoryStore ? memoryStore[key] : null) : v;
    } catch (e) {
      return key in memoryStore ? memoryStore[key] : null;
    }
  }

  function storageSet(key, value) {
    memoryStore[key] = value;
    try {
      window.localStorage.setItem(key, value);
      return true;
    } catch (e) {
      return false;
    }
  }

  function storageRemove(key) {
    delete memoryStore[key];
    try {
      window.localStorage.removeItem(key);
    } catch (e) {
      /* ignore */
    }
  }

  function readJsonArray(key) {
    var raw = storageGet(key);
    if (!raw) return [];
    try {
      var v = JSON.parse(raw);
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  }

  function newSessionId() {
    var c = window.crypto || window.msCrypto;
    if (c && typeof c.randomUUID === "function") {
      return c.randomUUID().replace(/-/g, "");
    }
    // Always the crypto source (every browser since 2013 has it): the session id is the
    // only thing that ties a conversation to this browser, so it must not be guessable.
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    var hex = "";
    for (var j = 0; j < bytes.length; j++) {
      hex += (bytes[j] < 16 ? "0" : "") + bytes[j].toString(16);
    }
    return hex;
  }

  function loadSessionId() {
    var id = storageGet(KEYS.session);
    if (!id || !/^[A-Za-z0-9_-]{8,128}$/.test(id)) {
      id = newSessionId();
      storageSet(KEYS.session, id);
    }
    return id;
  }

  function isValidEntry(e) {
    return e && typeof e === "object" && (e.from === "user" || e.from === "bot") && typeof e.text === "string";
  }

  function isValidOutboxItem(o) {
    return o && typeof o === "object" && typeof o.id === "string" && typeof o.message === "string";
  }

  function isValidContact(c) {
    return c && typeof c === "object" && typeof c.name === "string" && typeof c.how === "string";
  }

  function newMessageId() {
    return newSessionId().slice(0, 12) + Date.now().toString(36);
  }

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------
  var state = {
    sessionId: loadSessionId(),
    transcript: readJsonArray(KEYS.transcript).filter(isValidEntry),
    outbox: readJsonArray(KEYS.outbox).filter(isValidOutboxItem),
    nodes: [], // DOM bubble per transcript entry, same order
    socket: null,
    connected: false,
    confirmed: false,
    isOpen: storageGet(KEYS.open) === "true",
    inFlight: [], // visible messages emitted since the last reply: re-sent if the socket drops first
    waiting: null, // timers of the "thinking" indicator for the message awaiting a reply
    unreachable: false, // disconnected for longer than offlineGraceMs
    offlineTimer: null,
    offlineNoteShown: false, // the contacts note, once per offline spell
    expiryTimer: null,
    helpContacts: readJsonArray(KEYS.helpContacts).filter(isValidContact)
  };
  if (state.transcript.length > MAX_TRANSCRIPT) {
    state.transcript = state.transcript.slice(-MAX_TRANSCRIPT);
  }

  function saveTranscript() {
    var json = JSON.stringify(state.transcript);
    if (!storageSet(KEYS.transcript, json)) {
      // Quota trouble: keep the newest half, without the bulky custom fields.
      var slim = state.transcript.slice(-Math.ceil(MAX_TRANSCRIPT / 2)).map(function (e) {
        var copy = {};
        for (var k in e) if (Object.prototype.hasOwnProperty.call(e, k)) copy[k] = e[k];
        if (copy.custom) copy.custom = slimCustom(copy.custom);
        return copy;
      });
      storageSet(KEYS.transcript, JSON.stringify(slim));
    }
  }

  function saveOutbox() {
    storageSet(KEYS.outbox, JSON.stringify(state.outbox));
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

  // ---------------------------------------------------------------------------
  // DOM helpers
  // ---------------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (!Object.prototype.hasOwnProperty.call(attrs, k)) continue;
        var v = attrs[k];
        if (v === null || v === undefined || v === false) continue;
        if (k === "className") node.className = v;
        else if (k === "text") node.textContent = v;
        else node.setAttribute(k, v === true ? "" : String(v));
      }
    }
    if (children) {
      for (var i = 0; i < children.length; i++) {
        if (children[i]) node.appendChild(children[i]);
      }
    }
    return node;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function chatIcon() {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "24");
    svg.setAttribute("height", "24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute(
      "d",
      "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z"
    );
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  // ---------------------------------------------------------------------------
  // Safe markdown subset
  //   **bold**, bullet lists ("• ", "- ", "* "), ordered lists ("1) ", "1. "),
  //   http(s) links as bare URLs or [label](url). Everything else is plain text.
  // ---------------------------------------------------------------------------
  var BULLET_RE = /^\s*(?:\u2022|-|\*)\s+(.*)$/;
  var ORDERED_RE = /^\s*(\d{1,4})[.)]\s+(.*)$/;
  var INLINE_RE = /\[([^\]\n]+)\]\(([^()\s]+)\)|\*\*(?=\S)([\s\S]*?\S)\*\*|(https?:\/\/[^\s<>"'`]+)/gi;

  function safeHttpUrl(raw) {
    if (typeof raw !== "string" || !/^https?:\/\//i.test(raw)) return null;
    try {
      var u = new URL(raw);
      if (u.protocol !== "http:" && u.protocol !== "https:") return null;
      return u.href;
    } catch (e) {
      return null;
    }
  }

  function makeLink(url, label) {
    var a = document.createElement("a");
    a.href = url;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = label;
    return a;
  }

  // Split trailing punctuation off a bare URL ("see https://x.org/a." -> url + ".").
  function trimBareUrl(url) {
    var trailing = "";
    for (;;) {
      var last = url.charAt(url.length - 1);
      if (/[.,;:!?'"\]*]/.test(last)) {
        trailing = last + trailing;
        url = url.slice(0, -1);
      } else if (last === ")") {
        var opens = url.split("(").length - 1;
        var closes = url.split(")").length - 1;
        if (closes > opens) {
          trailing = last + trailing;
          url = url.slice(0, -1);
        } else {
          break;
        }
      } else {
        break;
      }
    }
    return { url: url, trailing: trailing };
  }

  function appendText(parent, text) {
    if (text) parent.appendChild(document.createTextNode(text));
  }

  function renderInline(text, parent, allowBold) {
    var re = new RegExp(INLINE_RE.source, "gi");
    var last = 0;
    var m;
    while ((m = re.exec(text)) !== null) {
      var whole = m[0];
      if (m[1] !== undefined) {
        // [label](url)
        var url = safeHttpUrl(m[2]);
        appendText(parent, text.slice(last, m.index));
        if (url) parent.appendChild(makeLink(url, m[1]));
        else appendText(parent, whole);
      } else if (m[3] !== undefined) {
        // **bold**
        appendText(parent, text.slice(last, m.index));
        if (allowBold) {
          var strong = document.createElement("strong");
          renderInline(m[3], strong, false);
          parent.appendChild(strong);
        } else {
          appendText(parent, whole);
        }
      } else if (m[4] !== undefined) {
        // bare URL
        var t = trimBareUrl(m[4]);
        var bare = safeHttpUrl(t.url);
        appendText(parent, text.slice(last, m.index));
        if (bare) {
          parent.appendChild(makeLink(bare, t.url));
          appendText(parent, t.trailing);
        } else {
          appendText(parent, whole);
        }
      }
      last = m.index + whole.length;
      if (whole.length === 0) re.lastIndex++;
    }
    appendText(parent, text.slice(last));
  }

  function renderMarkdown(text) {
    var frag = document.createDocumentFragment();
    var lines = String(text === null || text === undefined ? "" : text)
      .replace(/\r\n?/g, "\n")
      .split("\n");
    var para = null; // current <p>
    var list = null; // current <ul>/<ol>
    var listType = null;

    function closeBlocks() {
      para = null;
      list = null;
      listType = null;
    }

    for (var i = 0; i < lines.length; i++) {
      var line = lines[i];
      var bm = BULLET_RE.exec(line);
      var om = bm ? null : ORDERED_RE.exec(line);
      if (/^\s*$/.test(line)) {
        closeBlocks();
      } else if (bm || om) {
        var type = bm ? "ul" : "ol";
        if (!list || listType !== type) {
          para = null;
          list = document.createElement(type);
          listType = type;
          if (om && om[1] !== "1") {
            var start = parseInt(om[1], 10);
            if (start > 0) list.setAttribute("start", String(start));
          }
          frag.appendChild(list);
        }
        var li = document.createElement("li");
        renderInline(bm ? bm[1] : om[2], li, true);
        list.appendChild(li);
      } else {
        list = null;
        listType = null;
        if (!para) {
          para = document.createElement("p");
          frag.appendChild(para);
        } else {
          para.appendChild(document.createElement("br"));
        }
        renderInline(line, para, true);
      }
    }
    return frag;
  }

  // ---------------------------------------------------------------------------
  // Build the UI
  // ---------------------------------------------------------------------------
  var ui = {};
  var uid = "iep-chat-" + Math.random().toString(36).slice(2, 8);

  function buildUi() {
    // data-connection: connecting, ready (session confirmed) or unreachable (see showConnection).
    var root = el("div", { className: "iep-chat-root", "data-connection": "connecting" });
    root.style.setProperty("--iep-primary", config.colors.primary);
    root.style.setProperty("--iep-primary-text", config.colors.primaryText);

    var launcher = el("button", {
      type: "button",
      className: "iep-chat-launcher",
      "aria-label": "Open chat: " + config.title,
      "aria-expanded": "false",
      "aria-controls": uid + "-panel"
    });
    launcher.appendChild(chatIcon());
    launcher.appendChild(el("span", { className: "iep-chat-launcher-text", "aria-hidden": "true", text: "Chat" }));

    var titleEl = el("h2", { className: "iep-chat-title", id: uid + "-title", text: config.title });
    var restartBtn = el("button", { type: "button", className: "iep-chat-restart", text: "Start over" });
    var humanBtn = el("button", { type: "button", className: "iep-chat-human", text: "Talk to a person" });
    var closeBtn = el("button", { type: "button", className: "iep-chat-close", "aria-label": "Close chat" });
    closeBtn.appendChild(el("span", { "aria-hidden": "true", text: "\u00d7" }));

    var header = el("div", { className: "iep-chat-header" }, [
      titleEl,
      el("div", { className: "iep-chat-actions" }, [restartBtn, humanBtn, closeBtn])
    ]);

    var log = el("div", {
      className: "iep-chat-log",
      role: "log",
      "aria-live": "polite",
      "aria-relevant": "additions",
      "aria-label": "Conversation",
      tabindex: "0"
    });

    // Its own polite status, present from the start (live regions must exist before they
    // change): "Thinking…" is announced once, without interrupting the parent.
    var thinking = el("div", { className: "iep-chat-thinking", role: "status", "aria-live": "polite" });

    var status = el("div", { className: "iep-chat-status", "data-state": "connecting", role: "status" });

    var input = el("textarea", {
      className: "iep-chat-input",
      "aria-label": "Type your question",
      maxlength: String(config.maxLength),
      rows: "2",
      placeholder: config.inputPlaceholder,
      autocomplete: "off"
    });
    var sendBtn = el("button", { type: "submit", className: "iep-chat-send", "aria-label": "Send" });
    sendBtn.appendChild(el("span", { "aria-hidden": "true", text: "Send" }));

    var form = el("form", { className: "iep-chat-form", novalidate: true }, [input, sendBtn]);

    var panel = el(
      "div",
      {
        className: "iep-chat-panel",
        id: uid + "-panel",
        role: "dialog",
        "aria-label": config.title
      },
      [header, log, thinking, status, form]
    );
    panel.hidden = true;

    root.appendChild(launcher);
    root.appendChild(panel);

    ui = {
      root: root,
      launcher: launcher,
      panel: panel,
      log: log,
      thinking: thinking,
      status: status,
      input: input,
      sendBtn: sendBtn,
      form: form,
      restartBtn: restartBtn,
      humanBtn: humanBtn,
      closeBtn: closeBtn
    };

    launcher.addEventListener("click", function () {
      if (state.isOpen) close();
      else open();
    });
    closeBtn.addEventListener("click", function () {
      close();
    });
    restartBtn.addEventListener("click", function () {
      restart();
      ui.input.focus();
    });
    humanBtn.addEventListener("click", requestHuman);
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape" || ev.key === "Esc") {
        ev.preventDefault();
        ev.stopPropagation();
        close();
      }
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      submitInput();
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        submitInput();
      }
    });
    // Delegated clicks in the log: quick replies and feedback.
    log.addEventListener("click", onLogClick);

    return root;
  }

  function submitInput() {
    var text = ui.input.value;
    if (!text || !text.trim()) {
      ui.input.focus();
      return;
    }
    ui.input.value = "";
    sendUserMessage(text.slice(0, config.maxLength), null);
    ui.input.focus();
  }

  function scrollToBottom() {
    if (ui.log) ui.log.scrollTop = ui.log.scrollHeight;
  }

  // ---------------------------------------------------------------------------
  // Rendering transcript entries
  // ---------------------------------------------------------------------------
  function renderEntry(entry) {
    var bubble;
    if (entry.from === "user") {
      bubble = el("div", { className: "iep-msg iep-msg-user" });
      bubble.appendChild(el("div", { className: "iep-msg-text", text: entry.text }));
      if (entry.pending) {
        bubble.appendChild(pendingNote());
      } else if (entry.failed) {
        bubble.appendChild(retryButton());
      }
    } else {
      // Notes the widget writes itself (offline, slow reply) look like the assistant's,
      // marked so they can be told apart.
      bubble = el("div", { className: "iep-msg iep-msg-bot" + (entry.local ? " iep-msg-local" : "") });
      if (entry.local) bubble.setAttribute("data-local", entry.local);
      var body = el("div", { className: "iep-msg-text" });
      body.appendChild(renderMarkdown(entry.text));
      bubble.appendChild(body);
      if (entry.custom) {
        renderCustom(bubble, entry);
      }
      if (entry.quickReplies && entry.quickReplies.length) {
        bubble.appendChild(renderQuickReplies(entry.quickReplies));
      }
    }
    return bubble;
  }

  function pendingNote() {
    return el("span", { className: "iep-pending", text: "waiting to send" });
  }

  // A real button, so a parent can resend with the keyboard as well as by tapping.
  function retryButton() {
    return el("button", { type: "button", className: "iep-retry", text: "Not delivered \u2014 tap to retry" });
  }

  // The note under a user bubble: "waiting to send", the retry button, or nothing.
  function updateDeliveryNote(idx) {
    var entry = state.transcript[idx];
    var node = state.nodes[idx];
    if (!entry || !node) return;
    var old = node.querySelector(".iep-pending, .iep-retry");
    if (old) old.parentNode.removeChild(old);
    if (entry.pending) node.appendChild(pendingNote());
    else if (entry.failed) node.appendChild(retryButton());
  }

  function renderQuickReplies(replies) {
    var row = el("div", { className: "iep-quick-replies", role: "group", "aria-label": "Suggested replies" });
    for (var i = 0; i < replies.length; i++) {
      var r = replies[i];
      var btn = el("button", { type: "button", className: "iep-quick-reply", text: r.title });
      btn.setAttribute("data-index", String(i));
      row.appendChild(btn);
    }
    return row;
  }

  function renderCustom(bubble, entry) {
    var old = bubble.querySelector(".iep-extras");
    if (old) old.parentNode.removeChild(old);
    var c = entry.custom;
    var extras = el("div", { className: "iep-extras" });

    if (c.source && typeof c.source.text === "string" && c.source.text) {
      extras.appendChild(el("p", { className: "iep-source", text: c.source.text }));
    }

    var anchor = typeof c.faq_anchor === "string" ? c.faq_anchor : "";
    if (anchor && anchor.charAt(0) !== "#") anchor = "#" + anchor;
    var link = el("a", { className: "iep-faq-link", target: "_blank", rel: "noopener", text: "Read this in the FAQ" });
    link.setAttribute("href", config.faqUrl + anchor);
    extras.appendChild(el("p", { className: "iep-faq" }, [link]));

    if (entry.feedback) {
      extras.appendChild(el("p", { className: "iep-feedback-thanks", text: "Thanks for your feedback." }));
    } else {
      var qid = uid + "-fb-" + Math.random().toString(36).slice(2, 8);
      var fb = el("div", { className: "iep-feedback", role: "group", "aria-labelledby": qid }, [
        el("span", { className: "iep-feedback-question", id: qid, text: "Was this helpful?" }),
        el("button", { type: "button", "data-helpful": "yes", text: "Yes" }),
        el("button", { type: "button", "data-helpful": "no", text: "No" })
      ]);
      extras.appendChild(fb);
    }

    // Keep extras above quick replies.
    var qr = bubble.querySelector(".iep-quick-replies");
    if (qr) bubble.insertBefore(extras, qr);
    else bubble.appendChild(extras);
  }

  function addEntry(entry) {
    state.transcript.push(entry);
    var node = renderEntry(entry);
    state.nodes.push(node);
    ui.log.appendChild(node);
    while (state.transcript.length > MAX_TRANSCRIPT) {
      state.transcript.shift();
      var oldNode = state.nodes.shift();
      if (oldNode && oldNode.parentNode) oldNode.parentNode.removeChild(oldNode);
    }
    saveTranscript();
    scrollToBottom();
    return node;
  }

  function renderAll() {
    while (ui.log.firstChild) ui.log.removeChild(ui.log.firstChild);
    state.nodes = [];
    for (var i = 0; i < state.transcript.length; i++) {
      var node = renderEntry(state.transcript[i]);
      state.nodes.push(node);
      ui.log.appendChild(node);
    }
    scrollToBottom();
  }

  function indexOfNode(node) {
    for (var i = 0; i < state.nodes.length; i++) {
      if (state.nodes[i] === node) return i;
    }
    return -1;
  }

  function onLogClick(ev) {
    var target = ev.target;
    var btn = target && target.closest ? target.closest("button") : null;
    if (!btn || !ui.log.contains(btn)) return;
    var bubble = btn.closest(".iep-msg");
    var idx = indexOfNode(bubble);
    if (idx < 0) return;
    var entry = state.transcript[idx];

    if (btn.classList.contains("iep-retry")) {
      retry(idx);
      ui.input.focus(); // the button is gone: keep focus where the parent types
      return;
    }

    if (btn.hasAttribute("data-helpful")) {
      var helpful = btn.getAttribute("data-helpful") === "yes" ? "yes" : "no";
      var topic = entry.custom && entry.custom.topic ? String(entry.custom.topic) : "";
      queueOrSend("/feedback" + JSON.stringify({ helpful: helpful, topic: topic }), true);
      entry.feedback = helpful;
      saveTranscript();
      var block = btn.closest(".iep-feedback");
      var thanks = el("p", { className: "iep-feedback-thanks", text: "Thanks for your feedback.", tabindex: "-1" });
      block.parentNode.replaceChild(thanks, block);
      thanks.focus(); // keep keyboard focus in the conversation
      return;
    }

    if (btn.classList.contains("iep-quick-reply")) {
      var i = parseInt(btn.getAttribute("data-index"), 10);
      var replies = entry.quickReplies || [];
      var reply = replies[i];
      if (!reply) return;
      delete entry.quickReplies;
      saveTranscript();
      var row = btn.closest(".iep-quick-replies");
      if (row && row.parentNode) row.parentNode.removeChild(row);
      var payload = typeof reply.payload === "string" && reply.payload ? reply.payload : reply.title;
      sendUserMessage(payload, reply.title);
      ui.input.focus();
    }
  }

  // ---------------------------------------------------------------------------
  // Sending and the outbox
  // ---------------------------------------------------------------------------
  function canSend() {
    return !!(state.socket && state.connected && state.confirmed);
  }

  function emitUserMessage(message) {
    state.socket.emit("user_uttered", { message: message, session_id: state.sessionId });
  }

  // Emit one outbox item. A visible message stays "in flight" until a reply comes, so a
  // socket that drops first (server restart) gets it queued again rather than lost.
  function deliver(item) {
    emitUserMessage(item.message);
    if (!item.hidden) {
      state.inFlight.push({ id: item.id, message: item.message });
      startWaiting();
    }
  }

  // Send `message` to the server, showing `display` (or the message itself) as
  // the user's bubble. Returns true when something was sent or queued.
  function sendUserMessage(message, display) {
    if (typeof message !== "string") message = message === null || message === undefined ? "" : String(message);
    message = message.slice(0, config.maxLength);
    if (!message.trim()) return false;
    var text = display === null || display === undefined ? message : String(display);
    var id = newMessageId();
    var entry = { from: "user", text: text, id: id };
    var item = { id: id, message: message, queuedAt: Date.now() };
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

  // Send without a bubble (feedback). Queued like the rest while offline.
  function queueOrSend(message, hidden) {
    var item = { id: newMessageId(), message: message, hidden: !!hidden, queuedAt: Date.now() };
    if (canSend() && state.outbox.length === 0) {
      deliver(item);
    } else {
      enqueue(item);
    }
  }

  function enqueue(item) {
    state.outbox.push(item);
    saveOutbox();
    flushOutbox();
    if (state.outbox.length) {
      scheduleExpiryCheck();
      if (!item.hidden) noteQueuedWhileOffline();
    }
  }

  function flushOutbox() {
    if (!canSend()) return;
    var changed = false;
    while (state.outbox.length && canSend()) {
      var item = state.outbox.shift();
      deliver(item);
      saveOutbox();
      markSent(item.id);
      changed = true;
    }
    if (changed) saveTranscript();
    scheduleExpiryCheck();
  }

  // The transcript index of the user message with this outbox id, or -1.
  function indexOfMessage(id) {
    for (var i = state.transcript.length - 1; i >= 0; i--) {
      var e = state.transcript[i];
      if (e.from === "user" && (e.id === id || e.pending === id)) return i;
    }
    return -1;
  }

  function markSent(id) {
    var i = indexOfMessage(id);
    if (i < 0 || !state.transcript[i].pending) return;
    delete state.transcript[i].pending;
    updateDeliveryNote(i);
  }

  // The socket dropped before any reply: what was in flight goes back to the front of
  // the outbox (the server may never have seen it) and shows "waiting to send" again.
  function requeueInFlight() {
    if (!state.inFlight.length) return;
    var now = Date.now();
    var items = state.inFlight.map(function (f) {
      return { id: f.id, message: f.message, queuedAt: now };
    });
    state.inFlight = [];
    state.outbox = items.concat(state.outbox);
    for (var k = 0; k < items.length; k++) {
      var i = indexOfMessage(items[k].id);
      if (i < 0) continue;
      state.transcript[i].pending = items[k].id;
      updateDeliveryNote(i);
    }
    saveOutbox();
    saveTranscript();
    scheduleExpiryCheck();
  }

  // One timer for the oldest queued visible message: past the delivery timeout it is
  // taken out of the outbox and marked "Not delivered", so nothing sits pending forever
  // and nothing old is sent by surprise later.
  function scheduleExpiryCheck() {
    if (state.expiryTimer) clearTimeout(state.expiryTimer);
    state.expiryTimer = null;
    var first = null;
    for (var i = 0; i < state.outbox.length; i++) {
      var item = state.outbox[i];
      if (item.hidden || item.orphan) continue;
      if (first === null || item.queuedAt < first) first = item.queuedAt;
    }
    if (first === null) return;
    var wait = Math.max(0, first + config.deliveryTimeoutMs - Date.now());
    state.expiryTimer = setTimeout(expireOverdue, wait);
  }

  function expireOverdue() {
    state.expiryTimer = null;
    var now = Date.now();
    var kept = [];
    for (var k = 0; k < state.outbox.length; k++) {
      var item = state.outbox[k];
      var overdue = !item.hidden && !item.orphan && now - item.queuedAt >= config.deliveryTimeoutMs;
      var i = overdue ? indexOfMessage(item.id) : -1;
      if (overdue && i < 0) {
        item.orphan = true; // its bubble is gone (long transcript): keep it, nothing to mark
      }
      if (i < 0) {
        kept.push(item);
        continue;
      }
      var entry = state.transcript[i];
      delete entry.pending;
      entry.failed = true;
      entry.message = item.message; // what "retry" sends (may differ from the bubble's text)
      updateDeliveryNote(i);
    }
    state.outbox = kept;
    saveOutbox();
    saveTranscript();
    scheduleExpiryCheck();
  }

  // "Not delivered — tap to retry": queue the same message again, with a fresh timeout.
  function retry(idx) {
    var entry = state.transcript[idx];
    if (!entry || entry.from !== "user" || !entry.failed || typeof entry.message !== "string") return;
    var item = { id: newMessageId(), message: entry.message, queuedAt: Date.now() };
    delete entry.failed;
    delete entry.message;
    entry.id = item.id;
    entry.pending = item.id;
    updateDeliveryNote(idx);
    saveTranscript();
    enqueue(item);
  }

  // ---------------------------------------------------------------------------
  // Waiting for a reply: "Thinking…", then a note after a long wait
  // ---------------------------------------------------------------------------
  function startWaiting() {
    if (state.waiting) return; // already waiting: keep the first message's clock
    state.waiting = {
      show: setTimeout(showThinking, config.thinkingDelayMs),
      slow: setTimeout(onSlowReply, config.slowReplyMs)
    };
  }

  function stopWaiting() {
    if (state.waiting) {
      clearTimeout(state.waiting.show);
      clearTimeout(state.waiting.slow);
      state.waiting = null;
    }
    clearThinking();
  }

  function showThinking() {
    clearThinking();
    var dots = el("span", { className: "iep-thinking-dots", "aria-hidden": "true" }, [
      el("span"), el("span"), el("span")
    ]);
    ui.thinking.appendChild(el("div", { className: "iep-thinking" }, [
      dots,
      el("span", { className: "iep-thinking-text", text: "Thinking\u2026" })
    ]));
  }

  function clearThinking() {
    if (!ui.thinking) return;
    while (ui.thinking.firstChild) ui.thinking.removeChild(ui.thinking.firstChild);
  }

  // No reply for a long while: replace the indicator with a note in the conversation
  // (not an error: the reply may still come, and is shown when it does).
  function onSlowReply() {
    stopWaiting();
    addContactsNote("slow", "This is taking longer than usual. You can wait, try again, or reach a person:");
  }

  // ---------------------------------------------------------------------------
  // Help contacts without the server
  // ---------------------------------------------------------------------------
  // The contacts come from the knowledge base, written next to the widget by the site
  // build; kept in storage so they are there even if this page's fetch failed.
  function loadHelpContacts() {
    if (!config.helpContactsUrl || typeof window.fetch !== "function") return;
    window
      .fetch(config.helpContactsUrl, { credentials: "same-origin", cache: "no-cache" })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        var list = data && Array.isArray(data.help_contacts) ? data.help_contacts.filter(isValidContact) : [];
        if (!list.length) return;
        state.helpContacts = list.map(function (c) {
          return { name: c.name, how: c.how };
        });
        storageSet(KEYS.helpContacts, JSON.stringify(state.helpContacts));
      })
      .catch(function () {
        /* keep the stored copy */
      });
  }

  // The contacts as the assistant writes them ("• name: how" lines).
  function helpContactsText() {
    return state.helpContacts
      .map(function (c) {
        return "\u2022 " + c.name + ": " + c.how;
      })
      .join("\n");
  }

  function addContactsNote(kind, lead) {
    var list = helpContactsText();
    var text = list ? lead + "\n" + list : lead + "\nPlease try again in a few minutes.";
    addEntry({ from: "bot", text: text, local: kind });
  }

  // "Talk to a person": the assistant answers with the contacts; when it cannot be
  // reached, the widget answers from its own copy straight away.
  function requestHuman() {
    if (!state.unreachable) {
      sendUserMessage("/human_handoff", "Talk to a person");
      return;
    }
    addEntry({ from: "user", text: "Talk to a person", id: newMessageId() });
    state.offlineNoteShown = true; // it also says what happens to questions typed now
    addContactsNote(
      "offline",
      "The assistant can't be reached right now. Anything you type will be sent as soon as it is back. " +
        "To talk to a person now:"
    );
  }

  // A message waits in the outbox while the assistant is unreachable: say so once per
  // offline spell, with the contacts, so the parent is not left waiting in silence.
  function noteQueuedWhileOffline() {
    if (!state.unreachable || state.offlineNoteShown) return;
    state.offlineNoteShown = true;
    addContactsNote(
      "offline",
      "The assistant can't be reached right now. Your message will be sent as soon as it is back. " +
        "If you need help now, you can reach a person:"
    );
  }

  function hasQueuedMessages() {
    for (var i = 0; i < state.outbox.length; i++) if (!state.outbox[i].hidden) return true;
    return false;
  }

  // Disconnected: after the grace period (a restart takes seconds) call it unreachable.
  function startOfflineTimer() {
    if (state.offlineTimer || state.unreachable) return;
    state.offlineTimer = setTimeout(function () {
      state.offlineTimer = null;
      if (state.connected) return;
      state.unreachable = true;
      showConnection();
      if (hasQueuedMessages()) noteQueuedWhileOffline();
    }, config.offlineGraceMs);
  }

  function markReachable() {
    if (state.offlineTimer) clearTimeout(state.offlineTimer);
    state.offlineTimer = null;
    state.unreachable = false;
    state.offlineNoteShown = false;
    showConnection();
  }

  // The connection on the widget's root, for the page's styles and for tests.
  function showConnection() {
    if (!ui.root) return;
    var value = state.unreachable ? "unreachable" : canSend() ? "ready" : "connecting";
    ui.root.setAttribute("data-connection", value);
  }

  // ---------------------------------------------------------------------------
  // Receiving
  // ---------------------------------------------------------------------------
  function extractCustom(data) {
    if (!data || typeof data !== "object") return null;
    if (typeof data.topic === "string" && data.topic) return data;
    if (data.data && typeof data.data === "object" && typeof data.data.topic === "string") return data.data;
    if (data.custom && typeof data.custom === "object" && typeof data.custom.topic === "string") return data.custom;
    return null;
  }

  function cleanQuickReplies(list) {
    if (!Array.isArray(list)) return null;
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var q = list[i];
      if (!q || typeof q !== "object") continue;
      var title = typeof q.title === "string" ? q.title : "";
      var payload = typeof q.payload === "string" ? q.payload : "";
      if (!title && !payload) continue;
      out.push({ content_type: q.content_type || "text", title: title || payload, payload: payload || title });
    }
    return out.length ? out : null;
  }

  function onBotUttered(data) {
    if (typeof data === "string") data = { text: data };
    if (!data || typeof data !== "object") return;
    // The first part of a reply: the server has the message, and "Thinking…" can go.
    state.inFlight = [];
    stopWaiting();

    var custom = extractCustom(data);
    var text = typeof data.text === "string" ? data.text : null;

    if (text === null && !custom && data.attachment && typeof data.attachment === "object") {
      // Image or file attachments: offer them as a link (never load them inline).
      var p = data.attachment.payload;
      var src = p && (p.src || p.url);
      if (safeHttpUrl(src)) text = "Attachment: " + src;
    }

    if (text !== null && (text.trim() || cleanQuickReplies(data.quick_replies || data.buttons))) {
      var entry = { from: "bot", text: text };
      var qr = cleanQuickReplies(data.quick_replies || data.buttons);
      if (qr) entry.quickReplies = qr;
      addEntry(entry);
    }

    if (custom) attachCustom(custom);
  }

  function attachCustom(custom) {
    var copy = {};
    for (var k in custom) {
      if (Object.prototype.hasOwnProperty.call(custom, k) && k !== "room") copy[k] = custom[k];
    }
    var idx = -1;
    for (var i = state.transcript.length - 1; i >= 0; i--) {
      if (state.transcript[i].from === "bot") {
        idx = i;
        break;
      }
    }
    if (idx < 0) {
      addEntry({ from: "bot", text: typeof copy.answer === "string" ? copy.answer : "", custom: copy });
      return;
    }
    var entry = state.transcript[idx];
    entry.custom = copy;
    delete entry.feedback;
    renderCustom(state.nodes[idx], entry);
    saveTranscript();
    scrollToBottom();
  }

  // ---------------------------------------------------------------------------
  // Connection
  // ---------------------------------------------------------------------------
  function setStatus(s) {
    if (!ui.status) return;
    ui.status.setAttribute("data-state", s);
    ui.status.textContent = s === "connected" ? "Connected" : "Reconnecting\u2026";
  }

  function sendSessionRequest() {
    state.confirmed = false;
    showConnection();
    if (state.socket && state.connected) {
      state.socket.emit("session_request", { session_id: state.sessionId });
    }
  }

  function connect() {
    if (state.socket || typeof window.io !== "function") return;
    var socket = window.io(config.serverUrl, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      reconnection: true,
      // Back within a few seconds of a supervisor's restart, well inside the delivery timeout.
      reconnectionDelay: 1000,
      reconnectionDelayMax: 3000
    });
    state.socket = socket;

    socket.on("connect", function () {
      state.connected = true;
      markReachable();
      setStatus("connected");
      sendSessionRequest();
    });
    socket.on("session_confirm", function (data) {
      var id = data && typeof data === "object" ? data.session_id : data;
      if (id !== undefined && id !== null && String(id) !== state.sessionId) {
        return; // a stale confirmation (e.g. from before "Start over")
      }
      state.confirmed = true;
      showConnection();
      flushOutbox();
    });
    socket.on("bot_uttered", onBotUttered);
    socket.on("disconnect", function (reason) {
      onConnectionLost();
      if (reason === "io server disconnect") {
        // The server closed the socket: socket.io will not retry by itself.
        setTimeout(function () {
          if (!state.connected) socket.connect();
        }, 2000);
      }
    });
    socket.on("connect_error", onConnectionLost);
  }

  // Disconnected or cannot connect: no reply can come now, so stop "Thinking…" and
  // queue again what was in flight; start counting towards "unreachable".
  function onConnectionLost() {
    state.connected = false;
    state.confirmed = false;
    setStatus("reconnecting");
    showConnection();
    stopWaiting();
    requeueInFlight();
    startOfflineTimer();
  }

  var clientLoadAttempts = 0;

  function loadSocketClient() {
    if (typeof window.io === "function") {
      connect();
      return;
    }
    clientLoadAttempts++;
    var s = document.createElement("script");
    s.src = config.socketioClientUrl;
    s.async = true;
    s.setAttribute("data-iep-chat", "socket.io");
    s.onload = function () {
      if (typeof window.io === "function") {
        connect();
      } else {
        retryClientLoad(s);
      }
    };
    s.onerror = function () {
      retryClientLoad(s);
    };
    (document.head || document.documentElement).appendChild(s);
  }

  function retryClientLoad(s) {
    setStatus("reconnecting");
    if (s && s.parentNode) s.parentNode.removeChild(s);
    var delay = Math.min(30000, 2000 * Math.pow(2, Math.min(clientLoadAttempts, 4)));
    setTimeout(loadSocketClient, delay);
  }

  function loadCss(root) {
    if (!config.cssUrl) return;
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      if (links[i].href === config.cssUrl) return;
    }
    var link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = config.cssUrl;
    // Avoid a flash of unstyled widget: reveal once the stylesheet is in (or failed).
    root.style.visibility = "hidden";
    var shown = false;
    function reveal() {
      if (shown) return;
      shown = true;
      root.style.visibility = "";
    }
    link.onload = reveal;
    link.onerror = reveal;
    setTimeout(reveal, 3000);
    (document.head || document.documentElement).appendChild(link);
  }

  // ---------------------------------------------------------------------------
  // Public actions
  // ---------------------------------------------------------------------------
  function setOpen(isOpen, moveFocus) {
    state.isOpen = isOpen;
    storageSet(KEYS.open, isOpen ? "true" : "false");
    ui.panel.hidden = !isOpen;
    ui.launcher.setAttribute("aria-expanded", isOpen ? "true" : "false");
    ui.root.classList.toggle("iep-chat-is-open", isOpen);
    if (isOpen) {
      scrollToBottom();
      if (moveFocus) ui.input.focus();
    } else if (moveFocus) {
      ui.launcher.focus();
    }
  }

  function open() {
    setOpen(true, true);
  }

  function close() {
    setOpen(false, true);
  }

  function showFirstMessage() {
    if (config.firstMessage) {
      addEntry({ from: "bot", text: config.firstMessage });
    }
  }

  function restart() {
    state.transcript = [];
    state.outbox = [];
    state.inFlight = [];
    state.offlineNoteShown = false;
    stopWaiting();
    scheduleExpiryCheck(); // nothing queued: clears the timer
    saveOutbox();
    saveTranscript();
    renderAll();
    state.sessionId = newSessionId();
    storageSet(KEYS.session, state.sessionId);
    sendSessionRequest();
    showFirstMessage();
  }

  // ---------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------
  function init() {
    var root = buildUi();
    loadCss(root);
    document.body.appendChild(root);
    setStatus("connecting");

    // Outbox items whose bubble has gone (transcript capped) still get sent;
    // bubbles marked pending without an outbox item are no longer pending.
    var pendingIds = {};
    var now = Date.now();
    for (var i = 0; i < state.outbox.length; i++) {
      pendingIds[state.outbox[i].id] = true;
      // A new page gets a full delivery window: the connection is only starting.
      state.outbox[i].queuedAt = now;
    }
    for (var j = 0; j < state.transcript.length; j++) {
      var e = state.transcript[j];
      if (e.pending && !pendingIds[e.pending]) {
        delete e.pending;
      }
      if (e.failed && typeof e.message !== "string") {
        delete e.failed; // nothing to resend
      }
    }

    renderAll();
    if (state.transcript.length === 0) {
      showFirstMessage();
    }
    setOpen(state.isOpen, false);
    loadHelpContacts();
    startOfflineTimer(); // not connected yet: unreachable if that lasts
    scheduleExpiryCheck();
    loadSocketClient();
  }

  window.IEPChat = {
    __iepChatLoaded: true,
    open: function () {
      if (ui.panel) open();
    },
    close: function () {
      if (ui.panel) close();
    },
    send: function (text) {
      if (!ui.panel) return false;
      return sendUserMessage(text, null);
    },
    restart: function () {
      if (ui.panel) restart();
    },
    sessionId: function () {
      return state.sessionId;
    },
    // For tests: the markdown renderer (returns a DocumentFragment).
    _renderMarkdown: renderMarkdown
  };

  if (document.body) {
    init();
  } else {
    document.addEventListener("DOMContentLoaded", init);
  }
})();
