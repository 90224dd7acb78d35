"""HTTP for feeds and pages: one requests.Session, polite and bounded.

Everything goes through `requests` (never feedparser's or trafilatura's own
fetchers) so that timeouts, size caps and the address guard apply everywhere, and
so that tests can replay recordings with the `responses` library.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests

from monitor.config import FetchSettings

log = logging.getLogger(__name__)

REDIRECTS = {301, 302, 303, 307, 308}


class FetchError(Exception):
    """A request failed before an HTTP status was received."""


class AddressRefused(FetchError):
    """The URL resolves to a loopback, private, link-local or multicast address."""


@dataclass
class Response:
    url: str                      # final URL after redirects
    status: int
    headers: dict[str, str]       # lower-case names, as feedparser wants them
    content: bytes = b""
    truncated: bool = False
    permanent_url: str | None = None  # set when a 301/308 moved the resource
    elapsed: float = 0.0

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass
class Fetcher:
    settings: FetchSettings
    check_addresses: bool = True
    session: requests.Session = field(default_factory=requests.Session)
    _last_hit: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = self.settings.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self.session.max_redirects = self.settings.max_redirects

    def close(self) -> None:
        self.session.close()

    def _guard(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"unsupported URL: {url}")
        if not self.check_addresses or self.settings.allow_private_addresses:
            return
        try:
            infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise FetchError(f"cannot resolve {parts.hostname}: {exc}") from exc
        for info in infos:
            addr = ipaddress.ip_address(info[4][0])
            if (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
                    or addr.is_reserved or addr.is_unspecified):
                raise AddressRefused(f"{parts.hostname} resolves to non-public address {addr}")

    def _pace(self, url: str) -> None:
        host = urlsplit(url).hostname or ""
        delay = self.settings.host_delay
        last = self._last_hit.get(host)
        if delay > 0 and last is not None:
            wait = last + delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_hit[host] = time.monotonic()

    def get(self, url: str, headers: dict[str, str] | None = None, accept: str = "*/*") -> Response:
        """GET with manual redirects (each hop re-checked), a byte cap and a deadline."""
        started = time.monotonic()
        request_headers = {"Accept": accept, **(headers or {})}
        moved_for_good = True  # every hop so far was a 301/308
        hops = 0
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            self._guard(current)
            self._pace(current)
            try:
                resp = self.session.get(current, headers=request_headers, stream=True,
                                        allow_redirects=False,
                                        timeout=(min(10.0, self.settings.timeout), self.settings.timeout))
            except requests.RequestException as exc:
                raise FetchError(f"{type(exc).__name__}: {exc}") from exc
            with resp:
                if resp.status_code in REDIRECTS and resp.headers.get("location"):
                    moved_for_good = moved_for_good and resp.status_code in (301, 308)
                    current = urljoin(current, resp.headers["location"])
                    hops += 1
                    continue
                content, truncated = self._read(resp, started)
                return Response(url=current, status=resp.status_code,
                                headers={k.lower(): v for k, v in resp.headers.items()},
                                content=content, truncated=truncated,
                                permanent_url=current if hops and moved_for_good else None,
                                elapsed=time.monotonic() - started)
        raise FetchError(f"more than {self.settings.max_redirects} redirects")

    def _read(self, resp: requests.Response, started: float) -> tuple[bytes, bool]:
        """Read the body as a stream, stopping at max_bytes or when the deadline passes."""
        limit = self.settings.max_bytes
        deadline = started + self.settings.timeout * 3
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in resp.iter_content(chunk_size=65536):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    log.warning("body of %s cut at %d bytes", resp.url, limit)
                    return b"".join(chunks)[:limit], True
                if time.monotonic() > deadline:
                    raise FetchError(f"body of {resp.url} took longer than {self.settings.timeout * 3:.0f}s")
        except requests.RequestException as exc:
            raise FetchError(f"{type(exc).__name__} while reading: {exc}") from exc
        return b"".join(chunks), False
