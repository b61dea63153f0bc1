/*!
 * IEP mediation chat widget: plain JavaScript, no framework, no remote resources.
 *
 * Embed:
 *   <script>window.IEPChatConfig = { serverUrl: "http://localhost:5005", ... };</script>
 *   <script src="/widget/iep-chat.js" defer></script>
 *
 * Every option, with its default: site/widget/src/config.js. Built from site/widget/src/
 * by scripts/build_site.py (esbuild). All server and user text is rendered with DOM nodes
 * and textContent, never innerHTML.
 */

import { readConfig } from "./config.js";
import { createChat } from "./chat.js";
import { renderMarkdown } from "./markdown.js";
import { STRINGS } from "./strings.js";

// Loaded twice on the same page: keep the first instance.
if (!(window.IEPChat && window.IEPChat.__iepChatLoaded)) {
  const chat = createChat(readConfig());
  window.IEPChat = {
    __iepChatLoaded: true,
    open: chat.open,
    close: chat.close,
    send: chat.send,
    restart: chat.restart,
    sessionId: chat.sessionId,
    language: chat.language, // "en" or "es": what the widget speaks now
    // For tests: the markdown renderer (returns a DocumentFragment) and the strings table.
    _renderMarkdown: renderMarkdown,
    _strings: STRINGS
  };
  if (document.body) chat.init();
  else document.addEventListener("DOMContentLoaded", chat.init);
}
