// The widget's markdown subset (site/widget/src/markdown.js): what becomes a paragraph, a
// list, bold or a link, and that nothing unsafe becomes a link.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fakeDocument } from "./fake-dom.js";

globalThis.document = fakeDocument;
const { renderMarkdown, safeHttpUrl, telHref } = await import("../src/markdown.js");

const html = (text) => renderMarkdown(text).html;

test("lines are paragraphs, a blank line starts a new one, a single newline is a break", () => {
  assert.equal(html("one\ntwo\n\nthree"), "<p>one<br>two</p><p>three</p>");
});

test("bullets and numbered lines are lists; a numbered list keeps its start", () => {
  assert.equal(html("\u2022 a\n- b\n* c"), "<ul><li>a</li><li>b</li><li>c</li></ul>");
  assert.equal(html("3) x\n4. y"), '<ol start="3"><li>x</li><li>y</li></ol>');
  assert.equal(html("intro\n- a"), "<p>intro</p><ul><li>a</li></ul>");
});

test("**bold** is strong text", () => {
  assert.equal(html("a **b** c"), "<p>a <strong>b</strong> c</p>");
});

test("markup in the text stays text (no HTML is ever parsed)", () => {
  assert.equal(html("<img src=x onerror=alert(1)>"), "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
});

test("[label](url) links only http(s), in a new tab", () => {
  assert.equal(
    html("[CPIR](https://www.parentcenterhub.org/)"),
    '<p><a href="https://www.parentcenterhub.org/" target="_blank" rel="noopener noreferrer">CPIR</a></p>'
  );
  assert.equal(html("[x](javascript:alert(1))"), "<p>[x](javascript:alert(1))</p>");
});

test("bare addresses, e-mail and phone numbers become links; trailing punctuation stays out", () => {
  assert.equal(
    html("See https://example.org/a."),
    '<p>See <a href="https://example.org/a" target="_blank" rel="noopener noreferrer">https://example.org/a</a>.</p>'
  );
  assert.equal(html("Write to help@example.org"), '<p>Write to <a href="mailto:help@example.org">help@example.org</a></p>');
  assert.equal(html("Call (555) 123-4567"), '<p>Call <a href="tel:+15551234567">(555) 123-4567</a></p>');
  assert.equal(
    html("Visit ed.gov today"),
    '<p>Visit <a href="https://ed.gov/" target="_blank" rel="noopener noreferrer">ed.gov</a> today</p>'
  );
});

test("an address glued to a word is not linked", () => {
  assert.equal(html("file/ed.gov"), "<p>file/ed.gov</p>");
});

test("safeHttpUrl accepts only absolute http(s) URLs", () => {
  assert.equal(safeHttpUrl("https://a.org/x"), "https://a.org/x");
  assert.equal(safeHttpUrl("HTTP://a.org"), "http://a.org/");
  for (const bad of ["javascript:alert(1)", "data:text/html,x", "/relative", "", null, 42]) {
    assert.equal(safeHttpUrl(bad), null, String(bad));
  }
});

test("telHref gives the international form", () => {
  assert.equal(telHref("555-123-4567"), "tel:+15551234567");
  assert.equal(telHref("+1 555 123 4567"), "tel:+15551234567");
});

test("empty or missing text renders nothing", () => {
  assert.equal(html(""), "");
  assert.equal(html(null), "");
});
