// Every word the widget itself shows or announces, in English and Spanish (issue 21).
// The assistant's answers come from the knowledge base on the server; only the widget's
// own frame, notes and buttons live here, in one table, so a missing translation is a
// missing key that the tests find (tests/browser/test_widget_spanish.py).

import { ENGLISH, SPANISH } from "./contract.js";

export { ENGLISH, SPANISH };
export const LANGUAGES = [ENGLISH, SPANISH];

export const STRINGS = {
  en: {
    title: "Ask about IEP mediation",
    firstMessage: "Hi! Ask me about IEP mediation.",
    inputPlaceholder: "Type your question\u2026",
    openChat: "Open chat: {title}",
    launcher: "Chat",
    closeChat: "Close chat",
    conversation: "Conversation",
    inputLabel: "Type your question",
    send: "Send",
    startOver: "Start over",
    talkToPerson: "Talk to a person",
    // The switch is labelled in the language it switches to.
    switchTo: "Espa\u00f1ol",
    switchToLabel: "Cambiar a espa\u00f1ol",
    connected: "Connected",
    connecting: "Connecting\u2026",
    reconnecting: "Reconnecting\u2026",
    thinking: "Thinking\u2026",
    slowReply: "This is taking longer than usual. You can wait, try again, or reach a person:",
    tryLater: "Please try again in a few minutes.",
    offlineHuman:
      "The assistant can't be reached right now. Anything you type will be sent as soon as it is back. To talk to a person now:",
    offlineQueued:
      "The assistant can't be reached right now. Your message will be sent as soon as it is back. If you need help now, you can reach a person:",
    pending: "waiting to send",
    notDelivered: "Not delivered \u2014 tap to retry",
    attachment: "Attachment: {url}",
    confirmTitle: "Start over?",
    confirmText: "This starts a new conversation.",
    confirmErase: "Also delete this conversation (from this browser and the assistant's server)",
    confirmOk: "Start over",
    confirmCancel: "Cancel",
    eraseUnconfirmed:
      "This browser's copy of the conversation is deleted. The assistant did not confirm deleting its copy: please try again later.",
    suggestedReplies: "Suggested replies",
    readInFaq: "Read this in the FAQ",
    helpful: "Was this helpful?",
    yes: "Yes",
    no: "No",
    thanks: "Thanks for your feedback."
  },
  es: {
    title: "Dudas sobre la mediaci\u00f3n",
    firstMessage: "\u00a1Hola! Preg\u00fanteme sobre la mediaci\u00f3n del IEP.",
    inputPlaceholder: "Escriba su pregunta\u2026",
    openChat: "Abrir el chat: {title}",
    launcher: "Chat",
    closeChat: "Cerrar el chat",
    conversation: "Conversaci\u00f3n",
    inputLabel: "Escriba su pregunta",
    send: "Enviar",
    startOver: "Empezar de nuevo",
    talkToPerson: "Hablar con una persona",
    switchTo: "English",
    switchToLabel: "Switch to English",
    connected: "Conectado",
    connecting: "Conectando\u2026",
    reconnecting: "Volviendo a conectar\u2026",
    thinking: "Pensando\u2026",
    slowReply: "Esto tarda m\u00e1s de lo normal. Puede esperar, volver a intentarlo o hablar con una persona:",
    tryLater: "Vuelva a intentarlo en unos minutos.",
    offlineHuman:
      "Ahora no podemos conectar con el asistente. Lo que escriba se enviar\u00e1 cuando vuelva. Para hablar con una persona ahora:",
    offlineQueued:
      "Ahora no podemos conectar con el asistente. Su mensaje se enviar\u00e1 cuando vuelva. Si necesita ayuda ahora, puede hablar con una persona:",
    pending: "esperando para enviar",
    notDelivered: "No se envi\u00f3. Toque para volver a intentarlo",
    attachment: "Archivo adjunto: {url}",
    confirmTitle: "\u00bfEmpezar de nuevo?",
    confirmText: "Se abrir\u00e1 una conversaci\u00f3n nueva.",
    confirmErase: "Borrar tambi\u00e9n esta conversaci\u00f3n (de este navegador y del servidor del asistente)",
    confirmOk: "Empezar de nuevo",
    confirmCancel: "Cancelar",
    eraseUnconfirmed:
      "Borramos la copia de la conversaci\u00f3n en este navegador. El asistente no confirm\u00f3 que borr\u00f3 su copia. Vuelva a intentarlo m\u00e1s tarde.",
    suggestedReplies: "Respuestas sugeridas",
    readInFaq: "L\u00e9alo en las preguntas frecuentes",
    helpful: "\u00bfLe fue \u00fatil?",
    yes: "S\u00ed",
    no: "No",
    thanks: "Gracias por su opini\u00f3n."
  }
};

/** "en" or "es" from a language tag ("es-MX" → "es"), or null for anything else. */
export function normalizeLanguage(tag) {
  const code = String(tag || "").trim().toLowerCase().split(/[-_]/)[0];
  return LANGUAGES.indexOf(code) >= 0 ? code : null;
}

/** The widget's string ``key`` in ``language``, with ``{name}`` filled from ``values``. */
export function t(language, key, values) {
  const table = STRINGS[language] || STRINGS[ENGLISH];
  let text = key in table ? table[key] : STRINGS[ENGLISH][key];
  if (text === undefined) text = key;
  for (const name of Object.keys(values || {})) text = text.split("{" + name + "}").join(String(values[name]));
  return text;
}
