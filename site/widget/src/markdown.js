// A safe markdown subset, built with DOM nodes and textContent (never innerHTML):
// **bold**, bullet lists ("• ", "- ", "* "), ordered lists ("1) ", "1. "), [label](url),
// and links for the addresses a parent may want to use at once: http(s) URLs and bare web
// addresses (opened as https), e-mail addresses (mailto:) and phone numbers (tel:).

const BULLET_RE = /^\s*(?:\u2022|-|\*)\s+(.*)$/;
const ORDERED_RE = /^\s*(\d{1,4})[.)]\s+(.*)$/;
const INLINE_RE = new RegExp(
  [
    /\[([^\]\n]+)\]\(([^()\s]+)\)/.source, // 1, 2: [label](url)
    /\*\*(?=\S)([\s\S]*?\S)\*\*/.source, // 3: **bold**
    /(https?:\/\/[^\s<>"'`]+)/.source, // 4: URL
    /([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})/.source, // 5: e-mail
    /((?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4})(?!\d)/.source, // 6: US phone
    /((?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:org|gov|edu|com|net|us|info)(?:\/[^\s<>"'`]*)?)(?![\w-])/
      .source // 7: bare web address
  ].join("|"),
  "g"
);

/** The URL as an absolute http(s) href, or null for anything else (javascript:, data:, …). */
export function safeHttpUrl(raw) {
  if (typeof raw !== "string" || !/^https?:\/\//i.test(raw)) return null;
  try {
    const u = new URL(raw);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

function makeLink(href, label, external) {
  const a = document.createElement("a");
  a.href = href;
  if (external) {
    a.target = "_blank";
    a.rel = "noopener noreferrer";
  }
  a.textContent = label;
  return a;
}

/** A phone number as a tel: href in international form (+1 for a 10-digit US number). */
export function telHref(number) {
  const digits = number.replace(/\D/g, "");
  return "tel:+" + (digits.length === 10 ? "1" + digits : digits);
}

// Split trailing punctuation off a bare address ("see https://x.org/a." -> url + ".").
function trimTrailing(url) {
  let trailing = "";
  for (;;) {
    const last = url.charAt(url.length - 1);
    if (/[.,;:!?'"\]*]/.test(last)) {
      trailing = last + trailing;
      url = url.slice(0, -1);
    } else if (last === ")" && url.split(")").length > url.split("(").length) {
      trailing = last + trailing;
      url = url.slice(0, -1);
    } else {
      return { url, trailing };
    }
  }
}

function appendText(parent, text) {
  if (text) parent.appendChild(document.createTextNode(text));
}

function appendAddress(parent, whole, toHref) {
  const t = trimTrailing(whole);
  const href = toHref(t.url);
  if (href) {
    parent.appendChild(makeLink(href, t.url, /^https?:/.test(href)));
    appendText(parent, t.trailing);
  } else {
    appendText(parent, whole);
  }
}

function renderInline(text, parent, allowBold) {
  const re = new RegExp(INLINE_RE.source, "g");
  let last = 0;
  let m;
  while ((m = re.exec(text)) !== null) {
    const whole = m[0];
    appendText(parent, text.slice(last, m.index));
    // An address glued to the end of a word or path is not one (no lookbehind: older Safari).
    const glued = /[\w@./+%-]/.test(text.charAt(m.index - 1)) && m[1] === undefined && m[3] === undefined && m[4] === undefined;
    if (glued) {
      appendText(parent, whole);
    } else if (m[1] !== undefined) {
      const url = safeHttpUrl(m[2]);
      if (url) parent.appendChild(makeLink(url, m[1], true));
      else appendText(parent, whole);
    } else if (m[3] !== undefined) {
      if (allowBold) {
        const strong = document.createElement("strong");
        renderInline(m[3], strong, false);
        parent.appendChild(strong);
      } else {
        appendText(parent, whole);
      }
    } else if (m[4] !== undefined) {
      appendAddress(parent, m[4], safeHttpUrl);
    } else if (m[5] !== undefined) {
      appendAddress(parent, m[5], (address) => "mailto:" + address);
    } else if (m[6] !== undefined) {
      parent.appendChild(makeLink(telHref(m[6]), m[6], false));
    } else if (m[7] !== undefined) {
      appendAddress(parent, m[7], (address) => safeHttpUrl("https://" + address));
    }
    last = m.index + whole.length;
    if (whole.length === 0) re.lastIndex++;
  }
  appendText(parent, text.slice(last));
}

/** The text as a DocumentFragment of paragraphs and lists. */
export function renderMarkdown(text) {
  const frag = document.createDocumentFragment();
  const lines = String(text === null || text === undefined ? "" : text)
    .replace(/\r\n?/g, "\n")
    .split("\n");
  let para = null;
  let list = null;
  let listType = null;
  for (const line of lines) {
    const bm = BULLET_RE.exec(line);
    const om = bm ? null : ORDERED_RE.exec(line);
    if (/^\s*$/.test(line)) {
      para = list = listType = null;
    } else if (bm || om) {
      const type = bm ? "ul" : "ol";
      if (!list || listType !== type) {
        para = null;
        list = document.createElement(type);
        listType = type;
        const start = om ? parseInt(om[1], 10) : 1;
        if (start > 1) list.setAttribute("start", String(start));
        frag.appendChild(list);
      }
      const li = document.createElement("li");
      renderInline(bm ? bm[1] : om[2], li, true);
      list.appendChild(li);
    } else {
      list = listType = null;
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
