// How this site embeds the chat widget (every option, with its default: site/widget/src/config.js).
// A file rather than an inline <script>, so the site's Content-Security-Policy can forbid inline code.
window.IEPChatConfig = {
  serverUrl: "__RASA_URL__",
  title: "Ask about IEP mediation",
  colors: { primary: "#1d4e89", primaryText: "#ffffff" },
  firstMessage: "Hi! Ask me about IEP mediation.",
  faqUrl: "/faq/"
};
