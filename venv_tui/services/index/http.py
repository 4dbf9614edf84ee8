"""HTTP for the index client: one GET and one JSON POST, bounded in time and size.

Plain ``urllib`` (proxies from the environment, the system's certificates): no dependency for
a feature that runs only when asked. Every network failure becomes :class:`Unreachable` with one
sentence naming the host; an HTTP error status is returned, not raised, so callers decide what a
404 means (a project that is not on the index is not an outage).
"""

from __future__ import annotations

import hashlib
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from venv_tui import __version__
from venv_tui.errors import VenvTuiError

DEFAULT_TIMEOUT = 15.0  # seconds for the whole request, connection and body together
DEFAULT_LIMIT = 64 * 1024 * 1024  # bytes of body read at most
DOWNLOAD_LIMIT = 4 * 1024 * 1024 * 1024  # bytes of a file hashed at most (never held in memory)
DOWNLOAD_TIMEOUT = 600.0  # seconds for hashing one file
USER_AGENT = f"venv-tui/{__version__}"


class Unreachable(VenvTuiError):
    """The server could not be reached or did not answer in time."""


class Response:
    __slots__ = ("body", "headers", "status", "url")

    def __init__(self, url: str, status: int, headers: Mapping[str, str], body: bytes) -> None:
        self.url = url  # after redirects
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; ValueError when it is not."""
        return json.loads(self.body.decode("utf-8"))


def host_of(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.hostname or url


def get(
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    limit: int = DEFAULT_LIMIT,
) -> Response:
    return _request(urllib.request.Request(url, headers=_headers(headers)), timeout, limit)


def post_json(
    url: str, payload: Any, *, timeout: float = DEFAULT_TIMEOUT, limit: int = DEFAULT_LIMIT
) -> Response:
    data = json.dumps(payload).encode("utf-8")
    request = urllib.request.Request(
        url, data=data, headers=_headers({"Content-Type": "application/json"}), method="POST"
    )
    return _request(request, timeout, limit)


def hash_url(
    url: str, algorithm: str = "sha256", *, timeout: float = DOWNLOAD_TIMEOUT, limit: int = DOWNLOAD_LIMIT
) -> str:
    """The hex digest of the file at ``url``, streamed (a wheel can be larger than memory
    should hold). Unreachable when it cannot be fetched whole, including an error status."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise Unreachable(f"{url} is not an http(s) address")
    deadline = time.monotonic() + timeout
    digest = hashlib.new(algorithm)
    got = 0
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, headers=_headers(None)), timeout=timeout
        ) as reply:
            while True:
                if time.monotonic() > deadline:
                    raise Unreachable(f"{host_of(url)} did not finish sending a file in time")
                chunk = reply.read(1024 * 1024)
                if not chunk:
                    return digest.hexdigest()
                got += len(chunk)
                if got > limit:
                    raise Unreachable(
                        f"{host_of(url)} sent a file larger than {limit // (1024 * 1024)} MiB; not hashed"
                    )
                digest.update(chunk)
    except urllib.error.HTTPError as err:
        raise Unreachable(f"{host_of(url)} answered {err.code} for {url}") from None
    except urllib.error.URLError as err:
        raise Unreachable(f"{host_of(url)} cannot be reached: {_reason(err.reason)}") from None
    except TimeoutError:
        raise Unreachable(f"{host_of(url)} did not answer within {timeout:g} s") from None
    except (OSError, ValueError) as err:
        raise Unreachable(f"{host_of(url)} cannot be reached: {_reason(err)}") from None


def _headers(extra: Mapping[str, str] | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    headers.update(extra or {})
    return headers


def _request(request: urllib.request.Request, timeout: float, limit: int) -> Response:
    url = request.full_url
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https", "file"):
        raise Unreachable(f"{url} is not an http(s) address")
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            body = _read_body(reply, deadline, limit, url)
            return Response(reply.geturl(), reply.status or 200, dict(reply.headers.items()), body)
    except urllib.error.HTTPError as err:
        try:
            body = _read_body(err, deadline, limit, url)
        except Unreachable:
            body = b""
        return Response(url, err.code, dict(err.headers.items()) if err.headers else {}, body)
    except urllib.error.URLError as err:
        raise Unreachable(f"{host_of(url)} cannot be reached: {_reason(err.reason)}") from None
    except TimeoutError:
        raise Unreachable(f"{host_of(url)} did not answer within {timeout:g} s") from None
    except (OSError, ValueError) as err:  # reset connections, malformed URLs and status lines
        raise Unreachable(f"{host_of(url)} cannot be reached: {_reason(err)}") from None


def _read_body(reply: Any, deadline: float, limit: int, url: str) -> bytes:
    chunks: list[bytes] = []
    got = 0
    while True:
        if time.monotonic() > deadline:
            raise Unreachable(f"{host_of(url)} did not finish its answer in time")
        chunk = reply.read(256 * 1024)
        if not chunk:
            return b"".join(chunks)
        got += len(chunk)
        if got > limit:
            raise Unreachable(f"{host_of(url)} sent more than {limit // (1024 * 1024)} MiB; not read")
        chunks.append(chunk)


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror.lower()
    return str(reason) or type(reason).__name__
