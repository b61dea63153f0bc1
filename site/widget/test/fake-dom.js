// A minimal document for the widget's DOM-building modules under Node: elements, text
// nodes and fragments, with an HTML-like serialization (text escaped) for assertions.
class Node {
  constructor() {
    this.childNodes = [];
    this.parentNode = null;
  }
  appendChild(child) {
    const moved = child.isFragment ? child.childNodes.splice(0) : [child];
    for (const node of moved) {
      node.parentNode = this;
      this.childNodes.push(node);
    }
    return child;
  }
  get textContent() {
    return this.childNodes.map((c) => c.textContent).join("");
  }
  set textContent(text) {
    this.childNodes = [];
    if (text !== "") this.appendChild(new Text(String(text)));
  }
  get html() {
    return this.childNodes.map((c) => c.html).join("");
  }
}

class Text extends Node {
  constructor(data) {
    super();
    this.data = data;
  }
  get textContent() {
    return this.data;
  }
  get html() {
    return this.data.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
}

class Element extends Node {
  constructor(tag) {
    super();
    this.tagName = tag.toUpperCase();
    this.attributes = {};
  }
  setAttribute(name, value) {
    this.attributes[name] = String(value);
  }
  getAttribute(name) {
    return name in this.attributes ? this.attributes[name] : null;
  }
  // The properties the widget sets on links, kept as attributes.
  set href(v) { this.setAttribute("href", v); }
  get href() { return this.getAttribute("href"); }
  set target(v) { this.setAttribute("target", v); }
  set rel(v) { this.setAttribute("rel", v); }
  get html() {
    const tag = this.tagName.toLowerCase();
    const attrs = Object.entries(this.attributes).map(([k, v]) => ` ${k}="${v}"`).join("");
    return tag === "br" ? "<br>" : `<${tag}${attrs}>${super.html}</${tag}>`;
  }
}

class Fragment extends Node {
  get isFragment() {
    return true;
  }
}

export const fakeDocument = {
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => new Text(String(text)),
  createDocumentFragment: () => new Fragment()
};
