"""HTTP for feeds and pages: one requests.Session, polite and bounded.

Everything goes through `requests` (never feedparser's or trafilatura's own
fetchers) so that timeouts, size caps and the address guard apply everywhere, and
so that tests can replay recordings with the `responses` library.

The limits, and why each exists:
- connect and read timeouts (`timeout`), plus a whole-body deadline of three
  timeouts, because a server dripping one byte per second never trips a read timeout;
- a size cap (`max_bytes`) counted on the decoded stream, so neither an endless body
  nor a gzip bomb is ever held in memory;
- redirects followed by hand, at most `max_redirects`, each hop re-checked;
- a per-host delay (`host_delay`) so one site is not hammered;
- the address guard: unless `allow_private_addresses`, a host that resolves to a
  loopback, private, link-local or multicast address is refused, both before the
  request (every hop) and on the socket actually connected (so DNS rebinding between
  the check and the connection does not get through).
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from monitor.config import FetchSettings

log = logging.getLogger(__name__)

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 65536
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """A request failed before a complete HTTP response was received."""


class Unreachable(FetchError):
    """No response at all: DNS failed, or the connection was refused, reset or timed out.

    Kept apart from other failures because when every feed is unreachable at once
    it is the network that is down, not each feed that is broken.
    """


class AddressRefused(FetchError):
    """The URL resolves to a loopback, private, link-local or multicast address."""


def non_public(addr: IPAddress) -> bool:
    """True for any address a public news site cannot legitimately live at."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped  # ::ffff:127.0.0.1 is loopback in disguise
    return (not addr.is_global or addr.is_private or addr.is_loopback or addr.is_link_local
            or addr.is_multicast or addr.is_reserved or addr.is_unspecified)


def _resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to; any one of them may be the one connected."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise Unreachable(f"cannot resolve {host}: {exc}") from exc
    except (OSError, UnicodeError, ValueError) as exc:
        raise FetchError(f"cannot resolve {host}: {exc}") from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _check_peer(sock: socket.socket, host: str, refuse: Callable[[IPAddress], bool]) -> None:
    """Refuse a connection whose far end is not public, whatever DNS said earlier."""
    addr = ipaddress.ip_address(sock.getpeername()[0].split("%")[0])
    if refuse(addr):
        sock.close()
        raise AddressRefused(f"{host} connected to non-public address {addr}")


class _GuardedHTTPConnection(HTTPConnection):
    refuse: Callable[[IPAddress], bool] = staticmethod(non_public)

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if not self.proxy:  # through a proxy the peer is the proxy; the URL was pre-checked
            _check_peer(sock, self.host, type(self).refuse)
        return sock


class _GuardedHTTPSConnection(HTTPSConnection):
    refuse: Callable[[IPAddress], bool] = staticmethod(non_public)

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if not self.proxy:
            _check_peer(sock, self.host, type(self).refuse)
        return sock


def _guarded_adapter(refuse: Callable[[IPAddress], bool]) -> HTTPAdapter:
    """An adapter whose pools only open connections to addresses `refuse` accepts."""
    http_conn = type("GuardedHTTPConnection", (_GuardedHTTPConnection,),
                     {"refuse": staticmethod(refuse)})
    https_conn = type("GuardedHTTPSConnection", (_GuardedHTTPSConnection,),
                      {"refuse": staticmethod(refuse)})
    http_pool = type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn})
    https_pool = type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn})
    adapter = HTTPAdapter()
    adapter.poolmanager.pool_classes_by_scheme = {"http": http_pool, "https": https_pool}
    return adapter


@dataclass
class Response:
    url: str                      # final URL after redirects
    status: int
    headers: dict[str, str]       # lower-case names, as feedparser wants them
    content: bytes = b""
    truncated: bool = False
    permanent_url: str | None = None  # set when only 301/308 hops moved the resource
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Fetcher:
    settings: FetchSettings
    check_addresses: bool = True   # replay turns it off: recorded hosts do not resolve
    refuse: Callable[[IPAddress], bool] = non_public
    session: requests.Session = field(default_factory=requests.Session)
    _last_hit: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = self.settings.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self.session.max_redirects = self.settings.max_redirects
        if self.guarding:
            for prefix in ("http://", "https://"):
                self.session.mount(prefix, _guarded_adapter(self.refuse))

    @property
    def guarding(self) -> bool:
        return self.check_addresses and not self.settings.allow_private_addresses

    def close(self) -> None:
        self.session.close()

    def _guard(self, url: str) -> None:
        """Refuse non-web schemes always, and non-public hosts when guarding."""
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError as exc:
            raise FetchError(f"unsupported URL: {url[:200]}") from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"unsupported URL: {url[:200]}")
        if not self.guarding:
            return
        for addr in _resolve(parts.hostname, port or (443 if parts.scheme == "https" else 80)):
            if self.refuse(addr):
                raise AddressRefused(f"{parts.hostname} resolves to non-public address {addr}")

    def _pace(self, url: str) -> None:
        """Wait until `host_delay` has passed since the last request to this host."""
        host = urlsplit(url).hostname or ""
        last = self._last_hit.get(host)
        if self.settings.host_delay > 0 and last is not None:
            wait = last + self.settings.host_delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_hit[host] = time.monotonic()

    def get(self, url: str, headers: dict[str, str] | None = None,
            accept: str = "*/*") -> Response:
        """GET with manual redirects (each hop re-checked), a byte cap and a deadline."""
        started = time.monotonic()
        request_headers = {"Accept": accept, **(headers or {})}
        timeout = (min(10.0, self.settings.timeout), self.settings.timeout)
        moved_for_good = True  # every hop so far was a 301/308
        current = url
        for hop in range(self.settings.max_redirects + 1):
            self._guard(current)
            self._pace(current)
            try:
                resp = self.session.get(current, headers=request_headers, stream=True,
                                        allow_redirects=False, timeout=timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise Unreachable(f"{type(exc).__name__}: {exc}") from exc
            except (requests.RequestException, urllib3.exceptions.HTTPError, ValueError) as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from exc
            with resp:
                location = resp.headers.get("location")
                if resp.status_code in REDIRECTS and location:
                    moved_for_good = moved_for_good and resp.status_code in (301, 308)
                    current = urljoin(current, location.strip())
                    continue
                content, truncated = self._read(resp, started)
                return Response(url=current, status=resp.status_code,
                                headers={k.lower(): v for k, v in resp.headers.items()},
                                content=content, truncated=truncated,
                                permanent_url=current if hop and moved_for_good else None,
                                elapsed=time.monotonic() - started)
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def _read(self, resp: requests.Response, started: float) -> tuple[bytes, bool]:
        """Read the decoded body until max_bytes, EOF or the deadline, whichever is first.

        `read1` returns whatever one socket read gives, so the deadline is checked
        even when a server drips bytes too slowly for the read timeout to fire.
        """
        limit = self.settings.max_bytes
        budget = self.settings.timeout * 3
        body = bytearray()
        try:
            while len(body) <= limit:
                chunk = resp.raw.read1(min(CHUNK, limit + 1 - len(body)), decode_content=True)
                if not chunk:
                    return bytes(body), False
                body += chunk
                if time.monotonic() - started > budget:
                    raise FetchError(f"body of {resp.url} took longer than {budget:g}s")
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise FetchError(f"{type(exc).__name__} while reading: {exc}") from exc
        log.warning("body of %s cut at %d bytes", resp.url, limit)
        return bytes(body[:limit]), True
