// How this site embeds the chat widget (see the top of /widget/iep-chat.js for every option).
// A file rather than an inline <script>, so the site's Content-Security-Policy can forbid inline code.
window.IEPChatConfig = {
  serverUrl: "__RASA_URL__",
  title: "Ask about IEP mediation",
  colors: { primary: "#1d4e89", primaryText: "#ffffff" },
  firstMessage: "Hi! Ask me about IEP mediation.",
  faqUrl: "/faq/"
};
