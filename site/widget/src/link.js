// Connectivity as the parent sees it: "Connecting…", ready, or unreachable (disconnected
// for longer than offlineGraceMs), and what a lost connection does to what was in flight.

/** The connectivity part of ``chat`` (createChat's shared parts). */
export function createLink(chat) {
  const { state, config } = chat;

  function sendSessionRequest() {
    state.confirmed = false;
    showConnection();
    chat.connection.emit("session_request", { session_id: chat.sessionId() });
  }

  // Disconnected: after the grace period (a restart takes seconds) call it unreachable.
  function startOfflineTimer() {
    if (state.offlineTimer || state.unreachable) return;
    state.offlineTimer = setTimeout(() => {
      state.offlineTimer = null;
      if (chat.connection.connected) return;
      state.unreachable = true;
      showConnection();
      if (state.outbox.some((item) => !item.hidden)) chat.contacts.noteQueuedWhileOffline();
    }, config.offlineGraceMs);
  }

  function markReachable() {
    clearTimeout(state.offlineTimer);
    state.offlineTimer = null;
    state.unreachable = false;
    state.offlineNoteShown = false;
    showConnection();
  }

  function showConnection() {
    chat.ui.setConnection(state.unreachable ? "unreachable" : chat.outbox.canSend() ? "ready" : "connecting");
  }

  function onConnect() {
    markReachable();
    chat.ui.setStatus("connected");
    sendSessionRequest();
  }

  function onConfirm(id) {
    if (id !== null && id !== state.sessionId) return; // stale (from before "Start over")
    state.confirmed = true;
    showConnection();
    chat.outbox.flush();
  }

  // Disconnected or cannot connect: no reply can come now, so stop "Thinking…" and
  // queue again what was in flight; start counting towards "unreachable".
  function onLost() {
    state.confirmed = false;
    chat.ui.setStatus("reconnecting");
    showConnection();
    chat.waiting.stop();
    chat.outbox.requeueInFlight();
    startOfflineTimer();
  }

  function onClientMissing() {
    chat.ui.setStatus("reconnecting");
    startOfflineTimer();
  }

  /** Open the connection (once): the chat was opened, or there is a conversation to resume. */
  function connectNow() {
    if (chat.connection.started) return;
    // No offline timer yet: on a slow network the first connection takes seconds, and it
    // is "Connecting…" until an attempt fails (onLost starts the count).
    chat.contacts.fetch();
    chat.connection.start();
  }

  return { sendSessionRequest, onConnect, onConfirm, onLost, onClientMissing, connectNow };
}
