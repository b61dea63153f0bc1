"""The site server over HTTP: compressed text, ETags and 304s, cache lifetimes, the
security headers kept, and request bodies limited to a few KB. The server runs as
``make run`` runs it, on the built site."""

from __future__ import annotations

import asyncio
import gzip
import http.client
import os
import socket
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Dict, Iterator, Tuple

import brotli
import pytest

from harness import servers as harness_servers
from harness.servers import Site
from webapp import file_cache
from webapp.file_cache import FileCache, choose_encoding


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    # The assistant is not needed: the site server only writes its URL into the CSP.
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delitem(harness_servers.ENV, "INSIGHTS_TOKEN", raising=False)
        served = Site(tmp_path_factory.mktemp("site"), rasa_port=5999)
    yield served
    served.stop()


INSIGHTS_TOKEN = "a-long-random-insights-token-for-the-body-limit-test"


@pytest.fixture(scope="module")
def insights_site(tmp_path_factory):
    """The same server with the insights page on (its sign-in form is the site's only POST)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setitem(harness_servers.ENV, "INSIGHTS_TOKEN", INSIGHTS_TOKEN)
        served = Site(tmp_path_factory.mktemp("insights-site"), rasa_port=5999)
    yield served
    served.stop()


def get(
    site: Site, path: str, method: str = "GET", **headers: str
) -> Tuple[int, Dict[str, str], bytes]:
    """One request (GET unless told) with exactly these headers (urllib would add and
    decode its own)."""
    connection = http.client.HTTPConnection("localhost", site.port, timeout=10)
    try:
        connection.request(method, path, headers=headers)
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


# --- request bodies ---------------------------------------------------------------------

MEGABYTE = 1024 * 1024


def _body_chunks(size: int, chunked: bool) -> Iterator[bytes]:
    piece = b"token=" + b"x" * (64 * 1024 - 6)
    sent = 0
    while sent < size:
        data = piece[: size - sent]
        sent += len(data)
        yield b"%x\r\n%s\r\n" % (len(data), data) if chunked else data
    if chunked:
        yield b"0\r\n\r\n"


def post_raw(site: Site, path: str, size: int, chunked: bool = False, send_body: bool = True):
    """(status, bytes of the body sent before the answer came) of a form POST of ``size``
    bytes. The body goes out from another thread while the answer is read, as a browser
    would, and a server that stops reading ends that sending (a reset is no error here)."""
    connection = socket.create_connection(("localhost", site.port), timeout=20)
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    connection.sendall(
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\n{length}\r\n\r\n".encode()
    )
    sent = [0]

    def send() -> None:
        try:
            for data in _body_chunks(size, chunked):
                connection.sendall(data)
                sent[0] += len(data)
        except OSError:
            pass

    sender = threading.Thread(target=send, daemon=True)
    if send_body:
        sender.start()
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = connection.recv(4096)
            if not data:
                break
            answer += data
        sent_before_answer = sent[0]
    finally:
        connection.close()
        if send_body:
            sender.join(timeout=20)
    return int(answer.split(b" ", 2)[1]), sent_before_answer


@pytest.mark.parametrize("insights_on", [False, True], ids=["insights off", "insights on"])
def test_a_body_over_the_limit_gets_413_before_it_is_read(request, insights_on):
    served = request.getfixturevalue("insights_site" if insights_on else "site")
    assert post_raw(served, "/insights/", MEGABYTE)[0] == 413
    assert post_raw(served, "/insights/", MEGABYTE, chunked=True)[0] == 413
    # The declared length is enough: the answer comes without a byte of the body.
    assert post_raw(served, "/insights/", MEGABYTE, send_body=False) == (413, 0)
    # The server is still there for everyone else.
    assert get(served, "/faq.json")[0] == 200


def _sign_in(site: Site, token: str) -> Tuple[int, Dict[str, str]]:
    connection = http.client.HTTPConnection("localhost", site.port, timeout=10)
    try:
        connection.request(
            "POST",
            "/insights/",
            body=urllib.parse.urlencode({"token": token}),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        response = connection.getresponse()
        response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def test_the_sign_in_form_still_posts_under_the_limit(site, insights_site):
    assert _sign_in(site, INSIGHTS_TOKEN)[0] == 404  # insights off: no such page
    assert _sign_in(insights_site, "x" * 4000)[0] == 403  # a long wrong token is read and judged
    status, headers = _sign_in(insights_site, INSIGHTS_TOKEN)
    assert status == 303 and "insights_session=" in headers["set-cookie"]


@pytest.mark.parametrize("path", ["/", "/demo/", "/faq/", "/faq.json", "/widget/iep-chat.js"])
def test_head_answers_like_get_without_a_body(site, path):
    """Uptime monitors check a site with HEAD (issue 20: it answered 405)."""
    status, headers, body = get(site, path, method="HEAD")
    got_status, got_headers, _ = get(site, path)
    assert status == got_status == 200 and body == b""
    assert headers["content-type"] == got_headers["content-type"]
    assert headers["etag"] == got_headers["etag"]
