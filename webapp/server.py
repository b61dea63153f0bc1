"""Serve the built site (demo pages, widget, FAQ) on its own port.

The FAQ page is served here, not by the Rasa server, so it still opens, and its search
falls back to a text match, when the assistant is down.

Usage: python -m webapp.server --root build/site --port 8080
"""
from __future__ import annotations

import argparse
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class SiteHandler(SimpleHTTPRequestHandler):
    """Static files with no caching (content changes with the knowledge base) and no logs."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".json": "application/json", ".css": "text/css"}

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def serve(root: Path, port: int, host: str = "0.0.0.0") -> None:
    server = ThreadingHTTPServer((host, port), partial(SiteHandler, directory=str(root)))
    server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("build/site"))
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    serve(args.root, args.port)
