// Waiting for the assistant: "Thinking…" when a reply is not (nearly) instant, then a note
// with the help contacts when it is slow.

import { t } from "./strings.js";

/** The waiting part of ``chat`` (createChat's shared parts). */
export function createWaiting(chat) {
  const { state, config } = chat;

  function start() {
    if (state.waiting) return; // already waiting: keep the first message's clock
    state.waiting = {
      show: setTimeout(chat.ui.showThinking, config.thinkingDelayMs),
      slow: setTimeout(onSlowReply, config.slowReplyMs)
    };
  }

  function stop() {
    if (state.waiting) {
      clearTimeout(state.waiting.show);
      clearTimeout(state.waiting.slow);
      state.waiting = null;
    }
    chat.ui.clearThinking();
  }

  // No reply for a long while: a note in the conversation (not an error: the reply may
  // still come, and is shown when it does).
  function onSlowReply() {
    stop();
    chat.contacts.addNote("slow", t(chat.lang(), "slowReply"));
  }

  return { start, stop };
}
