// The widget's frame: launcher, panel, header buttons, message area, "Thinking…", status
// line, input, the English/Español switch and the "Start over" confirmation. Also how it
// behaves on a phone: full screen, focus kept inside while open, scrolled to the start of
// the latest reply. Every word comes from strings.js, in the language set by setLanguage.

import { el, chatIcon } from "./render.js";
import { pageText } from "./config.js";
import { t, ENGLISH, SPANISH } from "./strings.js";

// The width below which the panel covers the screen (same breakpoint as iep-chat.css).
const FULL_SCREEN = "(max-width: 480px)";
const FOCUSABLE = 'a[href], button, textarea, input, select, [tabindex]:not([tabindex="-1"])';

export function isFullScreen() {
  return window.matchMedia(FULL_SCREEN).matches;
}

/** Visible, enabled focus targets inside ``container``, in tab order. */
function focusables(container) {
  return Array.from(container.querySelectorAll(FOCUSABLE)).filter(
    (node) => !node.disabled && !node.closest("[inert]") && node.getClientRects().length > 0
  );
}

/**
 * Build the widget in ``language``. ``on`` holds the conversation's handlers: toggle(),
 * close(), human(), startOver({erase}), submit(text), draft(text), logClick(event),
 * switchLanguage().
 */
export function buildUi(config, on, language) {
  const uid = "iep-chat-" + Math.random().toString(36).slice(2, 8);
  // data-connection: connecting, ready (session confirmed) or unreachable.
  const root = el("div", { className: "iep-chat-root", "data-connection": "connecting" });
  root.style.setProperty("--iep-primary", config.colors.primary);
  root.style.setProperty("--iep-primary-text", config.colors.primaryText);

  const launcherText = el("span", { className: "iep-chat-launcher-text", "aria-hidden": "true" });
  const launcher = el(
    "button",
    { type: "button", className: "iep-chat-launcher", "aria-expanded": "false", "aria-controls": uid + "-panel" },
    [chatIcon(), launcherText]
  );
  const restartBtn = el("button", { type: "button", className: "iep-chat-restart" });
  const humanBtn = el("button", { type: "button", className: "iep-chat-human" });
  // Labelled in the language it switches to ("Español" / "English"), marked as such.
  const languageBtn = el("button", { type: "button", className: "iep-chat-language" });
  const closeBtn = el("button", { type: "button", className: "iep-chat-close" }, [
    el("span", { "aria-hidden": "true", text: "\u00d7" })
  ]);
  const title = el("h2", { className: "iep-chat-title", id: uid + "-title" });
  // Title and close button on one row, so the close button stays on screen however
  // narrow (320 px, 200 % zoom); the other actions wrap below.
  const header = el("div", { className: "iep-chat-header" }, [
    el("div", { className: "iep-chat-titlebar" }, [title, closeBtn]),
    el("div", { className: "iep-chat-actions" }, [restartBtn, humanBtn, languageBtn])
  ]);
  const log = el("div", { className: "iep-chat-log", role: "log", "aria-live": "polite", "aria-relevant": "additions", tabindex: "0" });
  // Its own polite status, present from the start (live regions must exist before they
  // change): "Thinking…" is announced once, without interrupting the parent.
  const thinking = el("div", { className: "iep-chat-thinking", role: "status", "aria-live": "polite" });
  const status = el("div", { className: "iep-chat-status", "data-state": "connecting", role: "status" });
  const input = el("textarea", {
    className: "iep-chat-input",
    maxlength: String(config.maxLength),
    rows: "2",
    autocomplete: "off"
  });
  const sendText = el("span", { "aria-hidden": "true" });
  const sendBtn = el("button", { type: "submit", className: "iep-chat-send" }, [sendText]);
  const form = el("form", { className: "iep-chat-form", novalidate: true }, [input, sendBtn]);
  const confirm = buildConfirm(uid);
  let current = language;
  let statusState = "connecting";
  const panel = el("div", { className: "iep-chat-panel", id: uid + "-panel", role: "dialog", "aria-labelledby": uid + "-title" }, [
    header,
    log,
    thinking,
    status,
    form,
    confirm.node
  ]);
  panel.hidden = true;
  root.appendChild(launcher);
  root.appendChild(panel);

  launcher.addEventListener("click", on.toggle);
  closeBtn.addEventListener("click", on.close);
  humanBtn.addEventListener("click", on.human);
  languageBtn.addEventListener("click", on.switchLanguage);
  restartBtn.addEventListener("click", () => {
    confirm.ask(restartBtn).then((answer) => {
      if (answer) on.startOver(answer);
    });
  });
  panel.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" || ev.key === "Esc") {
      ev.preventDefault();
      ev.stopPropagation();
      if (confirm.isOpen()) confirm.cancel();
      else on.close();
    } else if (ev.key === "Tab") {
      trapTab(ev);
    }
  });
  // Full screen, the page underneath cannot be seen: focus never goes there.
  document.addEventListener("focusin", (ev) => {
    const trap = trapContainer();
    if (trap && !trap.contains(ev.target)) (focusables(trap)[0] || input).focus();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    submit();
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
      ev.preventDefault();
      submit();
    }
  });
  input.addEventListener("input", () => on.draft(input.value));
  log.addEventListener("click", on.logClick);

  function submit() {
    const text = input.value;
    if (text && text.trim()) {
      input.value = "";
      on.draft("");
      on.submit(text);
    }
    input.focus();
  }

  // Where Tab must stay: the confirmation while it is up, the panel while it covers the screen.
  function trapContainer() {
    if (panel.hidden) return null;
    if (confirm.isOpen()) return confirm.node;
    return isFullScreen() ? panel : null;
  }

  function trapTab(ev) {
    const trap = trapContainer();
    if (!trap) return;
    const items = focusables(trap);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const at = items.indexOf(document.activeElement);
    if (ev.shiftKey && at <= 0) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && (at === -1 || at === items.length - 1)) {
      ev.preventDefault();
      first.focus();
    }
  }

  const ui = {
    root,
    log,
    input,
    launcher,
    panel,
    setOpen(isOpen, moveFocus) {
      panel.hidden = !isOpen;
      launcher.setAttribute("aria-expanded", isOpen ? "true" : "false");
      root.classList.toggle("iep-chat-is-open", isOpen);
      ui.syncModal();
      if (!isOpen) confirm.cancel();
      if (moveFocus) (isOpen ? input : launcher).focus();
    },
    // Full screen the panel is modal for assistive technology too.
    syncModal() {
      if (!panel.hidden && isFullScreen()) panel.setAttribute("aria-modal", "true");
      else panel.removeAttribute("aria-modal");
    },
    get language() {
      return current;
    },
    /** Every word of the frame in ``lang``; the root says which, for screen readers. */
    setLanguage(lang) {
      current = lang;
      const other = lang === SPANISH ? ENGLISH : SPANISH;
      root.setAttribute("lang", lang);
      const name = pageText(config, lang, "title");
      title.textContent = name;
      launcher.setAttribute("aria-label", t(lang, "openChat", { title: name }));
      launcherText.textContent = t(lang, "launcher");
      restartBtn.textContent = t(lang, "startOver");
      humanBtn.textContent = t(lang, "talkToPerson");
      languageBtn.textContent = t(lang, "switchTo");
      languageBtn.setAttribute("lang", other);
      languageBtn.setAttribute("aria-label", t(lang, "switchToLabel"));
      closeBtn.setAttribute("aria-label", t(lang, "closeChat"));
      log.setAttribute("aria-label", t(lang, "conversation"));
      input.setAttribute("aria-label", t(lang, "inputLabel"));
      input.setAttribute("placeholder", pageText(config, lang, "inputPlaceholder"));
      sendBtn.setAttribute("aria-label", t(lang, "send"));
      sendText.textContent = t(lang, "send");
      const thinkingText = thinking.querySelector(".iep-thinking-text");
      if (thinkingText) thinkingText.textContent = t(lang, "thinking");
      confirm.setLanguage(lang);
      ui.setStatus(statusState);
    },
    setStatus(s) {
      statusState = s;
      status.setAttribute("data-state", s);
      // "Connecting…" until a connection has failed: a slow network is not a lost one.
      status.textContent = t(current, s === "connected" ? "connected" : s === "connecting" ? "connecting" : "reconnecting");
    },
    setConnection(value) {
      root.setAttribute("data-connection", value);
    },
    showThinking() {
      ui.clearThinking();
      const dots = el("span", { className: "iep-thinking-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]);
      thinking.appendChild(el("div", { className: "iep-thinking" }, [dots, el("span", { className: "iep-thinking-text", text: t(current, "thinking") })]));
    },
    clearThinking() {
      thinking.textContent = "";
    },
    scrollToBottom() {
      log.scrollTop = log.scrollHeight;
    },
    /** Put ``node``'s first line at the top of the message area (a long answer reads from its start). */
    scrollToTopOf(node) {
      const padding = parseFloat(window.getComputedStyle(log).paddingTop) || 0;
      log.scrollTop += node.getBoundingClientRect().top - log.getBoundingClientRect().top - padding;
    },
    setDraft(text) {
      input.value = text;
    }
  };
  const query = window.matchMedia(FULL_SCREEN);
  if (query.addEventListener) query.addEventListener("change", ui.syncModal);
  else query.addListener(ui.syncModal); // Safari before 14
  ui.setLanguage(language);
  return ui;
}

/** The "Start over" confirmation: a small modal dialog inside the panel. */
function buildConfirm(uid) {
  const box = el("input", { type: "checkbox", id: uid + "-erase", className: "iep-confirm-erase" });
  const cancelBtn = el("button", { type: "button", className: "iep-confirm-cancel" });
  const okBtn = el("button", { type: "button", className: "iep-confirm-ok" });
  const heading = el("h3", { className: "iep-confirm-title", id: uid + "-confirm-title" });
  const text = el("p", { id: uid + "-confirm-text" });
  const label = el("label", { for: uid + "-erase" });
  const node = el(
    "div",
    { className: "iep-confirm", role: "dialog", "aria-modal": "true", "aria-labelledby": uid + "-confirm-title", "aria-describedby": uid + "-confirm-text" },
    [
      el("div", { className: "iep-confirm-box" }, [
        heading,
        text,
        el("p", { className: "iep-confirm-option" }, [box, label]),
        el("div", { className: "iep-confirm-buttons" }, [okBtn, cancelBtn])
      ])
    ]
  );
  node.hidden = true;
  let settle = null;
  let returnTo = null;

  function finish(answer) {
    if (!settle) return;
    const done = settle;
    settle = null;
    node.hidden = true;
    for (const sibling of node.parentNode.children) sibling.removeAttribute("inert");
    if (!answer && returnTo && !node.parentNode.hidden) returnTo.focus();
    done(answer);
  }
  okBtn.addEventListener("click", () => finish({ erase: box.checked }));
  cancelBtn.addEventListener("click", () => finish(null));

  return {
    node,
    isOpen: () => !!settle,
    setLanguage(lang) {
      heading.textContent = t(lang, "confirmTitle");
      text.textContent = t(lang, "confirmText");
      label.textContent = t(lang, "confirmErase");
      okBtn.textContent = t(lang, "confirmOk");
      cancelBtn.textContent = t(lang, "confirmCancel");
    },
    cancel: () => finish(null),
    /** Resolves to {erase: boolean} when confirmed, null when cancelled. */
    ask(from) {
      returnTo = from;
      box.checked = false;
      node.hidden = false;
      // The rest of the panel is out of reach while the question is up.
      for (const sibling of node.parentNode.children) if (sibling !== node) sibling.setAttribute("inert", "");
      box.focus();
      return new Promise((resolve) => {
        settle = resolve;
      });
    }
  };
}

/** The widget's stylesheet, once; the widget stays hidden until it is in (or failed). */
export function loadCss(config, root) {
  if (!config.cssUrl) return;
  for (const link of document.querySelectorAll('link[rel="stylesheet"]')) if (link.href === config.cssUrl) return;
  const link = el("link", { rel: "stylesheet", href: config.cssUrl });
  root.style.visibility = "hidden";
  const reveal = () => {
    root.style.visibility = "";
  };
  link.onload = reveal;
  link.onerror = reveal;
  setTimeout(reveal, 3000);
  (document.head || document.documentElement).appendChild(link);
}
