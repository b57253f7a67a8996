"""The official-model installer against a zip served from loopback (no network)."""

from __future__ import annotations

import hashlib
import http.server
import io
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from skill.model import manifest
from skill.model.install import Official, install
from skill.model.manifest import ModelError

NAME = "vosk-model-test-0.1"


def make_zip() -> bytes:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(f"{NAME}/am/final.mdl", b"\x00B" + bytes(range(256)) * 400)
        z.writestr(f"{NAME}/conf/model.conf", "--beam=10\n")
        z.writestr(f"{NAME}/graph/words.txt", "<eps> 0\n")
    return b.getvalue()


class Server:
    def __init__(self) -> None:
        self.body = b""
        self.claimed: int | None = None  # Content-Length to announce (truncation test)
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(server.claimed or len(server.body)))
                self.end_headers()
                self.wfile.write(server.body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture()
def server() -> Iterator[Server]:
    s = Server()
    t = threading.Thread(target=s.httpd.serve_forever, daemon=True)
    t.start()
    yield s
    s.httpd.shutdown()


def catalog(body: bytes) -> dict[str, Official]:
    return {NAME: Official(NAME, len(body) / 1e6, hashlib.sha256(body).hexdigest())}


def test_install_good_zip(server: Server, tmp_path: Path) -> None:
    server.body = make_zip()
    dest = install(NAME, server.url, tmp_path, catalog=catalog(server.body))
    assert dest == tmp_path / NAME
    assert (dest / "conf" / "model.conf").read_text() == "--beam=10\n"
    assert manifest.verify(dest)["zip_sha256"] == hashlib.sha256(server.body).hexdigest()


def test_corrupt_download_is_rejected(server: Server, tmp_path: Path) -> None:
    good = make_zip()
    server.body = good[:500] + bytes([good[500] ^ 0xFF]) + good[501:]
    with pytest.raises(ModelError, match="sha256"):
        install(NAME, server.url, tmp_path, catalog=catalog(good))
    assert not (tmp_path / NAME).exists()


def test_truncated_download_is_rejected(server: Server, tmp_path: Path) -> None:
    good = make_zip()
    server.body, server.claimed = good[: len(good) // 2], len(good)
    with pytest.raises(ModelError, match=r"truncated|failed"):
        install(NAME, server.url, tmp_path, catalog=catalog(good))
    assert not (tmp_path / NAME).exists()


def test_wrong_size_and_unknown_name(server: Server, tmp_path: Path) -> None:
    good = make_zip()
    server.body = good + bytes(len(good))
    with pytest.raises(ModelError, match="MB"):
        install(NAME, server.url, tmp_path, catalog=catalog(good))
    with pytest.raises(ModelError, match="unknown model"):
        install("nope", server.url, tmp_path, catalog=catalog(good))


def test_unsafe_zip_is_rejected(server: Server, tmp_path: Path) -> None:
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z:
        z.writestr(f"{NAME}/../../evil.txt", "x" * 50_000)
    server.body = b.getvalue()
    with pytest.raises(ModelError, match="unsafe"):
        install(NAME, server.url, tmp_path, catalog=catalog(server.body))
