"""Assemble the static site: demo pages, the widget, the FAQ page and its JSON.

Usage: python scripts/build_site.py OUTPUT_DIR --rasa-url http://localhost:5005

Copies site/ (filling in where the assistant runs), bundles and minifies the widget
(site/widget/src/, ES modules) into widget/iep-chat.js, its CSS, and the socket.io browser
client (from node_modules, installed at set-up: no CDN) into vendor/socket.io.min.js, with
esbuild, and writes faq/index.html and faq.json from the knowledge base, so the FAQ never
copies answer text (and their Spanish forms, es/faq/index.html and es/faq.json:
``write_faq``). widget/help-contacts.json holds the knowledge base's help contacts, so
the widget can show them when the assistant is down.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import List

from contract import ENGLISH, FAQ_PATHS, SPANISH, STATE_DIRECTORY_PATHS
from contract.limits import retention_days
from contract.widget import widget_defines
from knowledge_base import KnowledgeBase, load
from knowledge_base.notice import notice_text
from webapp.faq import JSON_PATHS, faq_document, faq_html
from webapp.faq_states import state_directory_html

ROOT = Path(__file__).resolve().parent.parent

ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
WIDGET_SRC = ROOT / "site" / "widget" / "src"
# Browsers the widget supports: the last few years of evergreen browsers and Safari.
BROWSER_TARGET = "--target=es2019,chrome80,firefox78,safari13"
RASA_URL_PLACEHOLDER = "__RASA_URL__"


def esbuild(entry: Path, outfile: Path, *options: str) -> None:
    """Bundle and minify ``entry`` into ``outfile`` (one file, no source map)."""
    if not ESBUILD.exists():
        sys.exit(f"build_site: {ESBUILD} is missing: run `make setup` (npm ci) first")
    subprocess.run(
        [str(ESBUILD), str(entry), "--minify", f"--outfile={outfile}", "--log-level=warning"]
        + list(options),
        check=True,
        cwd=ROOT,
    )


def build_widget(output: Path, kb: KnowledgeBase) -> None:
    """The widget as one classic script (sites embed /widget/iep-chat.js), its CSS, and
    the socket.io client it loads when it connects."""
    js = ["--bundle", "--format=iife", "--platform=browser", BROWSER_TARGET]
    # The notice, so the privacy line is read before the parent types anything (in English
    # and Spanish: the widget shows the one in its language).
    notice = f"--define:IEP_NOTICE={json.dumps(notice_text(kb))}"
    notice_es = f"--define:IEP_NOTICE_ES={json.dumps(notice_text(kb, SPANISH))}"
    esbuild(
        WIDGET_SRC / "main.js",
        output / "widget" / "iep-chat.js",
        *js,
        *contract_defines(),
        notice,
        notice_es,
    )
    esbuild(WIDGET_SRC / "socket-client.js", output / "vendor" / "socket.io.min.js", *js)
    css = ROOT / "site" / "widget" / "iep-chat.css"
    esbuild(css, output / "widget" / "iep-chat.css", BROWSER_TARGET)


def contract_defines() -> List[str]:
    """esbuild options that give the widget's contract.js every value it shares with the
    server (``contract/widget.py``), the retention period being the one the server applies
    (``RETENTION_DAYS``), so the browser's copy is kept no longer than the server's."""
    defines = widget_defines(retention_days=retention_days())
    return [f"--define:{name}={json.dumps(value)}" for name, value in defines.items()]


def help_contacts_document(kb) -> dict:
    """The help contacts for the widget, fetched from its own origin: shown when the
    assistant cannot be reached or is slow, with no server needed; in Spanish too, for a
    widget in Spanish."""
    return {
        "help_contacts": [{"name": c.name, "how": c.how} for c in kb.help_contacts],
        "help_contacts_es": [{"name": c.es.name, "how": c.es.how} for c in kb.help_contacts],
    }


def write_faq(output: Path, kb: KnowledgeBase, rasa_url: str) -> None:
    """The FAQ page, its state directory and its JSON in each language: /faq/, /faq.json
    and /es/faq/, /es/faq.json (the same anchors in both)."""

    def write(url_path: str, content: str) -> None:
        target = output / url_path.strip("/")
        if url_path.endswith("/"):
            target = target / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")

    for language in (ENGLISH, SPANISH):
        write(FAQ_PATHS[language], faq_html(kb, rasa_url, language))
        write(STATE_DIRECTORY_PATHS[language], state_directory_html(kb, language))
        document = faq_document(kb, language)
        write(JSON_PATHS[language], json.dumps(document, indent=1, ensure_ascii=False))


def build(output: Path, rasa_url: str) -> None:
    """Write the whole site into ``output`` (replacing what was there)."""
    if output.exists():
        shutil.rmtree(output)
    shutil.copytree(
        ROOT / "site", output, ignore=shutil.ignore_patterns("src", "test", "iep-chat.css")
    )
    kb = load()
    build_widget(output, kb)
    for path in [*output.rglob("*.html"), *output.rglob("chat-config.js")]:
        path.write_text(
            path.read_text(encoding="utf-8").replace(RASA_URL_PLACEHOLDER, rasa_url),
            encoding="utf-8",
        )
    write_faq(output, kb, rasa_url)
    (output / "widget" / "help-contacts.json").write_text(
        json.dumps(help_contacts_document(kb), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    (output / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="refresh" content="0; url=/demo/"><title>Parent Advocacy Network</title>'
        '</head><body><a href="/demo/">Parent Advocacy Network</a></body></html>\n',
        encoding="utf-8",
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args()
    build(args.output, args.rasa_url.rstrip("/"))
