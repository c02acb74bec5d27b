"""Serve a built site on 127.0.0.1 the way a static host does: under its address's path
(``/layerref/`` for a GitHub Pages project site), with its own 404 page."""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

_COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt", ".xml", ".map")


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"
    compress = False

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path /= "index.html"
        if not (
            self.compress
            and path.is_file()
            and path.suffix in _COMPRESSIBLE
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            super().do_GET()
            return
        # As a static host does (GitHub Pages gzips text): what a reader really downloads.
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def translate_path(self, path: str) -> str:
        route = urlsplit(path).path
        if not route.startswith(self.prefix):
            return str(Path(self.directory) / "no such file")  # outside the site: a 404
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass


def site_path(site_url: str) -> str:
    """The path a site is served under: ``https://example.org/layerref/`` -> ``/layerref/``.

    Examples:
        >>> site_path("https://example.org/layerref/"), site_path("http://127.0.0.1:8000/")
        ('/layerref/', '/')
    """
    path = urlsplit(site_url).path or "/"
    return path if path.endswith("/") else path + "/"


@contextmanager
def serve(site_dir: Path, prefix: str = "/", *, compress: bool = False) -> Iterator[str]:
    """Serve ``site_dir`` under ``prefix`` on a free port of 127.0.0.1; yield its base URL.

    The base URL ends in ``/``; any path outside ``prefix`` gets the site's 404 page.
    ``compress`` gzips text files for clients that accept it, as static hosts do.
    """
    handler_class = type("Handler", (_SiteHandler,), {"prefix": prefix, "compress": compress})
    handler = functools.partial(handler_class, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
