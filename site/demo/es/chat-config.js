// The Spanish demo page's widget settings. No language, title or first message here: the
// page's <html lang="es"> makes the widget Spanish, with its own Spanish strings.
window.IEPChatConfig = {
  serverUrl: "__RASA_URL__",
  colors: { primary: "#1d4e89", primaryText: "#ffffff" },
  faqUrl: "/faq/"
};
