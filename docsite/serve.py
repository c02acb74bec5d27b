"""Serve a built site on 127.0.0.1 the way a static host does: under its address's path
(``/layerref/`` for a GitHub Pages project site), with its own 404 page."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    prefix = "/"

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
def serve(site_dir: Path, prefix: str = "/") -> Iterator[str]:
    """Serve ``site_dir`` under ``prefix`` on a free port of 127.0.0.1; yield its base URL.

    The base URL ends in ``/``; any path outside ``prefix`` gets the site's 404 page.
    """
    handler = functools.partial(
        type("Handler", (_SiteHandler,), {"prefix": prefix}), directory=str(site_dir)
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
