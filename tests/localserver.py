"""A real HTTP server on 127.0.0.1 for fetch tests: routes are small functions.

Tests need real sockets to show timeouts, streaming caps and redirects as a live
site produces them; `responses` cannot, because it never opens a connection.
Every request is logged with its headers and the number of body bytes sent back.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = Callable[["Handler"], None]
LOCAL_NAMES = {"127.0.0.1", "localhost", "::1"}


def _is_address(host: object) -> bool:
    try:
        ipaddress.ip_address(str(host))
    except ValueError:
        return False
    return True


def stay_offline(monkeypatch) -> None:
    """Make every host name but localhost fail to resolve, so no test can reach the
    internet through DNS (feeds under test carry links to made-up hosts). Address
    literals still resolve, as they do without any DNS."""
    real = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in LOCAL_NAMES and not _is_address(host):
            raise socket.gaierror(socket.EAI_NONAME, f"{host}: offline in tests")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", local_only)


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    status: int = 0
    body_bytes: int = 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - the name http.server looks for
        self.hit = Hit(self.path, {k.lower(): v for k, v in self.headers.items()})
        self.server.owner.hits.append(self.hit)
        route = self.server.owner.routes.get(self.path.split("?")[0])
        if route is None:
            self.reply(404, b"no such route")
        else:
            route(self)

    def reply(self, status: int, body: bytes = b"", content_type: str = "text/html",
              headers: dict[str, str] | None = None) -> None:
        """A complete response with a Content-Length."""
        self.hit.status = status
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if status != 304 and body:
            self.wfile.write(body)
            self.hit.body_bytes = len(body)

    def stream(self, chunks: Iterable[bytes], content_type: str = "text/html") -> None:
        """A body of unknown length, written until the chunks end or the client hangs up."""
        self.hit.status = 200
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            for chunk in chunks:
                if self.server.owner.stopping.is_set():
                    return
                self.wfile.write(chunk)
                self.hit.body_bytes += len(chunk)
        except OSError:
            return  # the client stopped reading: exactly what the cap should do

    def pause(self, seconds: float) -> None:
        """Sleep, but wake at once when the server shuts down."""
        self.server.owner.stopping.wait(seconds)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - base signature
        return


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    owner: LocalServer

    def handle_error(self, request: object, client_address: object) -> None:
        return  # clients that time out or hang up on purpose are not errors here


@dataclass
class LocalServer:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> LocalServer:
        self._httpd = _Server(("127.0.0.1", 0), Handler)
        self._httpd.owner = self
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str) -> Callable[[Route], Route]:
        """Decorator: `@server.route("/feed")` over a function taking the handler."""
        def register(fn: Route) -> Route:
            self.routes[path] = fn
            return fn
        return register

    def static(self, path: str, body: str | bytes, status: int = 200,
               content_type: str = "text/html", headers: dict[str, str] | None = None) -> str:
        """Serve a fixed response at path; returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = lambda h: h.reply(status, data, content_type, headers)
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]
