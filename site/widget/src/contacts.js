// Help without the server: the help contacts (written next to the widget by the site
// build from the knowledge base; kept in storage so they are there even if a later
// page's fetch fails), shown when the assistant is slow or cannot be reached, and
// "Talk to a person".

import * as storage from "./storage.js";
import { t, ENGLISH, SPANISH } from "./strings.js";
import { HUMAN_HANDOFF_PAYLOAD } from "./contract.js";

/** The help-contacts part of ``chat`` (createChat's shared parts). */
export function createContacts(chat) {
  const { state, config } = chat;

  // Fetched with the first connection.
  function fetch() {
    if (state.contactsFetched || !config.helpContactsUrl || typeof window.fetch !== "function") return;
    state.contactsFetched = true;
    window
      .fetch(config.helpContactsUrl, { credentials: "same-origin", cache: "no-cache" })
      .then((r) => (r.ok ? r.json() : null))
      .then((data) => {
        // {"help_contacts": [English], "help_contacts_es": [Spanish]} (scripts/build_site.py)
        for (const [language, key] of [[ENGLISH, "help_contacts"], [SPANISH, "help_contacts_es"]]) {
          const list = data && Array.isArray(data[key]) ? data[key].filter(storage.isValidContact) : [];
          if (!list.length) continue;
          state.helpContacts[language] = list.map((c) => ({ name: c.name, how: c.how }));
          storage.saveHelpContacts(state.helpContacts[language], language);
        }
      })
      .catch(() => {
        /* keep the stored copy */
      });
  }

  function addNote(kind, lead) {
    const lang = chat.lang();
    const contacts = state.helpContacts[lang].length ? state.helpContacts[lang] : state.helpContacts.en;
    const list = contacts.map((c) => "\u2022 " + c.name + ": " + c.how).join("\n");
    chat.transcript.addEntry({ from: "bot", text: list ? lead + "\n" + list : lead + "\n" + t(lang, "tryLater"), local: kind, lang });
  }

  // "Talk to a person": the assistant answers with the contacts; when it cannot be
  // reached, the widget answers from its own copy straight away.
  function requestHuman() {
    const label = t(chat.lang(), "talkToPerson");
    if (!state.unreachable) {
      chat.outbox.sendUserMessage(HUMAN_HANDOFF_PAYLOAD, label);
      return;
    }
    chat.transcript.addEntry({ from: "user", text: label, id: chat.outbox.newMessageId() });
    state.offlineNoteShown = true; // it also says what happens to questions typed now
    addNote("offline", t(chat.lang(), "offlineHuman"));
  }

  // A message waits in the outbox while the assistant is unreachable: say so once per
  // offline spell, with the contacts, so the parent is not left waiting in silence.
  function noteQueuedWhileOffline() {
    if (!state.unreachable || state.offlineNoteShown) return;
    state.offlineNoteShown = true;
    addNote("offline", t(chat.lang(), "offlineQueued"));
  }

  return { fetch, addNote, requestHuman, noteQueuedWhileOffline };
}
