// FAQ search: ask the assistant's own NLU (GET <rasa>/webhooks/faq_search/search?q=...)
// and list the best topics; if the assistant cannot be reached, fall back to a plain
// text match over the page. Builds DOM with textContent only. The page's words (in its
// language: /faq/ English, /es/faq/ Spanish) come from the form's data-msg-* attributes,
// and a result's title from its topic on the page, so this script has no words of its own.
(function () {
  "use strict";
  var printButton = document.getElementById("faq-print");
  if (printButton && window.print) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  var form = document.querySelector("form.faq-search");
  if (!form) return;
  var input = document.getElementById("faq-search-input");
  var results = document.getElementById("faq-search-results");
  var status = document.getElementById("faq-search-status");
  var rasaUrl = (form.getAttribute("data-rasa-url") || "").replace(/\/+$/, "");

  function message(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  // Lower case without accents, so "mediación" matches "mediacion".
  function fold(text) {
    var lower = text.toLowerCase();
    return lower.normalize ? lower.normalize("NFD").replace(/[\u0300-\u036f]/g, "") : lower;
  }

  function topics() {
    return Array.prototype.map.call(document.querySelectorAll("article.faq-topic"), function (a) {
      var question = a.querySelector("h3").textContent;
      return { id: a.id, title: titleOf(a.id, question), heading: fold(question), text: fold(a.textContent) };
    });
  }

  // The topic's title as this page writes it (the search answers with the English one).
  function titleOf(topic, fallback) {
    var article = document.getElementById(topic);
    var title = article && article.classList.contains("faq-topic") ? article.getAttribute("data-title") : "";
    return title || fallback;
  }

  // Nothing found: say so, with a link to the people who can help.
  function showNothing(text) {
    show([], text + " ");
    var help = document.createElement("a");
    help.href = "#help";
    help.textContent = message("talk");
    status.appendChild(help);
  }

  function show(items, text) {
    results.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + item.topic;
      link.textContent = titleOf(item.topic, item.title);
      li.appendChild(link);
      results.appendChild(li);
    });
    status.textContent = text;
  }

  function textMatch(query) {
    var words = fold(query).split(/[^a-z0-9\u00f1']+/).filter(function (w) { return w.length > 2; });
    return topics().map(function (t) {
      // A word in the question counts three times a word elsewhere in the entry.
      var score = words.reduce(function (n, w) {
        return n + (t.heading.indexOf(w) >= 0 ? 3 : 0) + (t.text.indexOf(w) >= 0 ? 1 : 0);
      }, 0);
      return { topic: t.id, title: t.title, score: score };
    }).filter(function (t) { return t.score > 0; })
      .sort(function (a, b) { return b.score - a.score; }).slice(0, 5);
  }

  function fallback(query) {
    var found = textMatch(query);
    if (found.length) show(found, message("offline-matches"));
    else showNothing(message("offline-no-match"));
  }

  function search(query) {
    if (!query) { show([], ""); return; }
    status.textContent = message("searching");
    var controller = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (controller) controller.abort(); }, 4000);
    fetch(rasaUrl + "/webhooks/faq_search/search?q=" + encodeURIComponent(query),
          controller ? { signal: controller.signal } : {})
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (body) {
        clearTimeout(timer);
        var items = body.results || [];
        if (items.length) show(items, message("best-matches"));
        else showNothing(message("no-match"));
      })
      .catch(function () { clearTimeout(timer); fallback(query); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value.trim());
  });
})();
