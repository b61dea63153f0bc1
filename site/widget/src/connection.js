// The socket.io connection to Rasa's socketio channel. Nothing is loaded or opened until
// start() is called (the parent opens the chat, or has a conversation to resume): a page
// view alone makes no socket request.

import { BOT_MESSAGE_EVENT } from "./contract.js";

/**
 * A connection that calls ``on.connect()``, ``on.confirm(sessionId)``, ``on.message(data)``
 * and ``on.lost()``; ``on.clientMissing()`` while the socket.io client script cannot load.
 */
export function createConnection(config, on) {
  let socket = null;
  let connected = false;
  let loadAttempts = 0;
  let started = false;

  function connect() {
    if (socket || typeof window.io !== "function") return;
    socket = window.io(config.serverUrl, {
      path: config.socketPath,
      transports: ["websocket", "polling"],
      reconnection: true,
      // Back within a few seconds of a supervisor's restart, well inside the delivery timeout.
      reconnectionDelay: 1000,
      reconnectionDelayMax: 3000
    });
    socket.on("connect", () => {
      connected = true;
      on.connect();
    });
    socket.on("session_confirm", (data) => {
      const id = data && typeof data === "object" ? data.session_id : data;
      on.confirm(id === undefined || id === null ? null : String(id));
    });
    socket.on(BOT_MESSAGE_EVENT, on.message);
    socket.on("disconnect", (reason) => {
      connected = false;
      on.lost();
      if (reason === "io server disconnect") {
        // The server closed the socket: socket.io will not retry by itself.
        setTimeout(() => {
          if (!connected) socket.connect();
        }, 2000);
      }
    });
    socket.on("connect_error", () => {
      connected = false;
      on.lost();
    });
  }

  // The client script sits next to the widget (vendor/socket.io.min.js), fetched only now.
  function loadClient() {
    if (typeof window.io === "function") {
      connect();
      return;
    }
    loadAttempts++;
    const s = document.createElement("script");
    s.src = config.socketioClientUrl;
    s.async = true;
    s.setAttribute("data-iep-chat", "socket.io");
    s.onload = () => (typeof window.io === "function" ? connect() : retry(s));
    s.onerror = () => retry(s);
    (document.head || document.documentElement).appendChild(s);
  }

  function retry(s) {
    on.clientMissing();
    s.remove();
    setTimeout(loadClient, Math.min(30000, 2000 * Math.pow(2, Math.min(loadAttempts, 4))));
  }

  return {
    start() {
      if (started) return;
      started = true;
      loadClient();
    },
    get started() {
      return started;
    },
    get connected() {
      return connected;
    },
    emit(event, data) {
      if (socket && connected) socket.emit(event, data);
    }
  };
}
