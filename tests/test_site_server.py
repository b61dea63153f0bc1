"""The site server over HTTP: compressed text, ETags and 304s, cache lifetimes, and the
security headers kept. The server runs as ``make run`` runs it, on the built site."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import os
import time
from pathlib import Path
from typing import Dict, Tuple

import brotli
import pytest

from harness.servers import Site
from webapp import file_cache
from webapp.file_cache import FileCache, choose_encoding


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # The assistant is not needed: the site server only writes its URL into the CSP.
    served = Site(tmp_path_factory.mktemp("site"), rasa_port=5999)
    yield served
    served.stop()


def get(site: Site, path: str, **headers: str) -> Tuple[int, Dict[str, str], bytes]:
    """One GET with exactly these headers (urllib would add and decode its own)."""
    connection = http.client.HTTPConnection("localhost", site.port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def on_disk(site: Site, path: str) -> bytes:
    return (site.root / path.lstrip("/")).read_bytes()


@pytest.mark.parametrize("path", ["/widget/iep-chat.css", "/faq/", "/faq.json"])
def test_text_is_sent_as_brotli_when_accepted_and_decodes_to_the_file(site, path):
    status, headers, body = get(site, path, **{"Accept-Encoding": "gzip, deflate, br"})
    file = on_disk(site, path + ("index.html" if path.endswith("/") else ""))
    assert status == 200 and headers["content-encoding"] == "br"
    assert brotli.decompress(body) == file and len(body) < len(file) / 2
    assert int(headers["content-length"]) == len(body)
    vary = [v.strip() for v in headers["vary"].split(",")]
    assert "Accept-Encoding" in vary and "Origin" in vary


def test_gzip_when_brotli_is_not_accepted_or_refused(site):
    file = on_disk(site, "/vendor/socket.io.min.js")
    for accept in ("gzip", "br;q=0, gzip;q=0.8"):
        status, headers, body = get(site, "/vendor/socket.io.min.js", **{"Accept-Encoding": accept})
        assert status == 200 and headers["content-encoding"] == "gzip", accept
        assert gzip.decompress(body) == file
        assert headers["content-type"].startswith("text/javascript")


def test_no_compression_without_accept_encoding_nor_for_images(site):
    status, headers, body = get(site, "/faq/faq.js")
    assert (
        status == 200 and "content-encoding" not in headers and body == on_disk(site, "/faq/faq.js")
    )
    image = site.root / "demo" / "test-image.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    status, headers, body = get(site, "/demo/test-image.png", **{"Accept-Encoding": "gzip, br"})
    assert status == 200 and "content-encoding" not in headers and body == image.read_bytes()


def test_etag_per_representation_and_304_on_if_none_match(site):
    _, plain, _ = get(site, "/faq/faq.css")
    _, zipped, _ = get(site, "/faq/faq.css", **{"Accept-Encoding": "gzip"})
    assert plain["etag"].startswith('"') and plain["etag"] != zipped["etag"]
    status, headers, body = get(
        site, "/faq/faq.css", **{"Accept-Encoding": "gzip", "If-None-Match": zipped["etag"]}
    )
    assert status == 304 and body == b""
    assert headers["etag"] == zipped["etag"] and headers["cache-control"] == "public, max-age=300"
    # A tag of another representation does not validate this one.
    status, _, body = get(
        site, "/faq/faq.css", **{"Accept-Encoding": "gzip", "If-None-Match": plain["etag"]}
    )
    assert status == 200 and gzip.decompress(body) == on_disk(site, "/faq/faq.css")


def test_pages_and_faq_json_are_revalidated_widget_files_kept_a_few_minutes(site):
    for path in ("/faq/", "/demo/", "/demo/rights.html", "/faq.json", "/demo/chat-config.js"):
        status, headers, _ = get(site, path, **{"Accept-Encoding": "br"})
        assert status == 200 and headers["cache-control"] == "no-cache", path
        assert headers["etag"], path
    widget = sorted(p.name for p in (site.root / "widget").iterdir() if p.suffix in {".js", ".css"})
    short = [f"/widget/{name}" for name in widget] + [
        "/vendor/socket.io.min.js",
        "/faq/faq.css",
        "/faq/faq.js",
    ]
    for path in short:
        status, headers, _ = get(site, path, **{"Accept-Encoding": "br"})
        assert status == 200 and headers["cache-control"] == "public, max-age=300", path


def test_security_headers_are_kept_on_compressed_and_304_responses(site):
    _, first, _ = get(site, "/faq/", **{"Accept-Encoding": "br"})
    status, again, _ = get(
        site, "/faq/", **{"Accept-Encoding": "br", "If-None-Match": first["etag"]}
    )
    assert status == 304
    for headers in (first, again):
        assert "script-src 'self'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer" and "server" not in headers
    status, headers, _ = get(site, "/no-such-file.js", **{"Accept-Encoding": "br"})
    assert status == 404 and "content-security-policy" in headers


def test_an_edited_file_is_served_new_at_once(site):
    path = site.root / "faq" / "faq.css"
    _, before, _ = get(site, "/faq/faq.css", **{"Accept-Encoding": "br"})
    edited = path.read_bytes() + b"\n.edited-by-test { color: #000; }\n"
    path.write_bytes(edited)
    later = time.time() + 2  # a new mtime even on coarse-grained file systems
    os.utime(path, (later, later))
    status, after, body = get(
        site, "/faq/faq.css", **{"Accept-Encoding": "br", "If-None-Match": before["etag"]}
    )
    assert status == 200 and after["etag"] != before["etag"]
    assert brotli.decompress(body) == edited


def test_each_file_version_is_compressed_once(tmp_path, monkeypatch):
    calls = []
    real = file_cache.compress
    monkeypatch.setattr(
        file_cache, "compress", lambda body, coding: calls.append(coding) or real(body, coding)
    )
    path = Path(tmp_path / "a.js")
    path.write_text("var x = 1;\n" * 100)
    cache = FileCache()

    async def fetch_all() -> None:
        for accept in ("br", "br", "gzip", "gzip, br", "gzip", ""):
            await cache.get(path, "text/javascript", accept)

    asyncio.run(fetch_all())
    assert calls == ["br", "gzip"]
    later = time.time() + 2
    path.write_text("var y = 2;\n" * 100)
    os.utime(path, (later, later))
    asyncio.run(fetch_all())
    assert calls == ["br", "gzip", "br", "gzip"]


@pytest.mark.parametrize(
    "header, chosen",
    [
        ("gzip, deflate, br", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("BR", "br"),
        ("*", "br"),
        ("*;q=0, gzip", "gzip"),
        ("identity", ""),
        ("", ""),
        ("gzip;q=0", ""),
    ],
)
def test_accept_encoding_is_read_with_its_weights(header, chosen):
    assert choose_encoding(header) == chosen
