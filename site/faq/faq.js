// FAQ search: ask the assistant's own NLU (GET <rasa>/webhooks/faq_search/search?q=...)
// and list the best topics; if the assistant cannot be reached, fall back to a plain
// text match over the page. Builds DOM with textContent only.
(function () {
  "use strict";
  var form = document.querySelector("form.faq-search");
  if (!form) return;
  var input = document.getElementById("faq-search-input");
  var results = document.getElementById("faq-search-results");
  var status = document.getElementById("faq-search-status");
  var rasaUrl = (form.getAttribute("data-rasa-url") || "").replace(/\/+$/, "");

  function topics() {
    return Array.prototype.map.call(document.querySelectorAll("article.faq-topic"), function (a) {
      var title = a.querySelector("h3").textContent;
      return { id: a.id, title: title, heading: title.toLowerCase(), text: a.textContent.toLowerCase() };
    });
  }

  // Nothing found: say so, with a link to the people who can help.
  function showNothing(message) {
    show([], message + " ");
    var help = document.createElement("a");
    help.href = "#help";
    help.textContent = "Talk to a person";
    status.appendChild(help);
  }

  function show(items, message) {
    results.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + item.topic;
      link.textContent = item.title;
      li.appendChild(link);
      results.appendChild(li);
    });
    status.textContent = message;
  }

  function textMatch(query) {
    var words = query.toLowerCase().split(/[^a-z0-9']+/).filter(function (w) { return w.length > 2; });
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
    if (found.length) show(found, "The assistant is not reachable, so these are plain text matches.");
    else showNothing("The assistant is not reachable and no question contains those words.");
  }

  function search(query) {
    if (!query) { show([], ""); return; }
    status.textContent = "Searching…";
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
        if (items.length) show(items, "Best matching questions:");
        else showNothing("No question here matches that. Try other words, or:");
      })
      .catch(function () { clearTimeout(timer); fallback(query); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    search(input.value.trim());
  });
})();
