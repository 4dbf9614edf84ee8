"""The simple repository API: one project's files on one or more package indexes.

A project page is asked for as PEP 691 JSON and accepted as PEP 503 HTML when that is what the
server has (pip's own ``Accept`` header). Either way the answer becomes the same plain data:
:class:`IndexFile` values with an absolute URL, the hashes the index gives, ``requires-python``,
yanked (and why) and the upload time when the index says. Several indexes are asked in order and
their files pooled, as pip does with ``--index-url`` and ``--extra-index-url``.

A 404 (or 410) means "not on this index", not an outage. A server that cannot be reached is
:class:`~venv_tui.services.index.http.Unreachable`; one that answers with something that is not a
project page is :class:`BadAnswer` (a kind of Unreachable: either way the index cannot be used),
each with one sentence.
"""

from __future__ import annotations

import hashlib
import html.parser
import json
import os
import stat
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from packaging.tags import Tag
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    NormalizedName,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from venv_tui import files
from venv_tui.errors import shorten
from venv_tui.services.index import http
from venv_tui.services.index.http import Unreachable
from venv_tui.services.index.pipconf import PYPI

__all__ = ["PYPI", "BadAnswer", "IndexFile", "Parsed", "ProjectPage", "Unreachable"]

ACCEPT = "application/vnd.pypi.simple.v1+json, text/html;q=0.1"
JSON_TYPE = "application/vnd.pypi.simple.v1+json"
HTML_TYPES = ("text/html", "application/vnd.pypi.simple.v1+html")
PAGE_LIMIT = 64 * 1024 * 1024  # the biggest projects' pages are tens of MiB
# PEP 503 allows these in a URL fragment; pip trusts no other.
HASH_NAMES = ("sha256", "sha384", "sha512", "sha224", "sha1", "md5")


class BadAnswer(Unreachable):
    """The server answered, but not with a project page this client understands."""


@dataclass(frozen=True)
class IndexFile:
    """One file on a project page."""

    filename: str
    url: str  # absolute, without the hash fragment
    hashes: Mapping[str, str] = field(default_factory=dict, hash=False)  # {"sha256": "hex"}
    requires_python: str | None = None
    yanked: bool = False
    yanked_reason: str | None = None  # None when yanked without a reason
    upload_time: str | None = None  # ISO 8601, as the index gives it (PEP 700, JSON only)
    size: int | None = None
    index: str = ""  # the index URL the page came from

    @property
    def sha256(self) -> str | None:
        return self.hashes.get("sha256")


@dataclass(frozen=True)
class ProjectPage:
    """A project's files pooled over every index asked; ``found`` is False when no index knows
    the project. ``problems`` holds a sentence per index that could not be used while another
    answered (pip goes on with the others as well)."""

    name: NormalizedName
    files: tuple[IndexFile, ...] = ()
    found: bool = False
    indexes: tuple[str, ...] = ()  # the indexes that had the project
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Parsed:
    """A file name read as a distribution: a wheel has tags, an sdist none."""

    name: NormalizedName
    version: Version
    tags: frozenset[Tag] | None  # None for an sdist
    build: tuple[()] | tuple[int, str] = ()


def project_url(index_url: str, name: str) -> str:
    """``https://pypi.org/simple/some-name/`` for ``Some_Name`` (PEP 503 normalized)."""
    return f"{index_url.rstrip('/')}/{canonicalize_name(name)}/"


def parse_filename(filename: str) -> Parsed | None:
    """Name, version and tags of a wheel or sdist file name; None for anything else (an egg,
    an installer, a file name that breaks the rules)."""
    try:
        if filename.endswith(".whl"):
            name, version, build, tags = parse_wheel_filename(filename)
            return Parsed(name, version, tags, build)
        if filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            return Parsed(name, version, None)
    except (InvalidWheelFilename, InvalidSdistFilename, ValueError):
        return None
    return None


def fetch_project(
    index_url: str, name: str, *, timeout: float = http.DEFAULT_TIMEOUT
) -> tuple[IndexFile, ...] | None:
    """The files one index has for ``name``; None when the index does not have the project.

    Raises Unreachable when the server cannot be reached, BadAnswer when it answers garbage."""
    url = project_url(index_url, name)
    if urllib.parse.urlsplit(url).scheme == "file":
        # pip reads a local index folder's index.html; a missing folder is "not there".
        local = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
        if not os.path.isdir(local):
            return None
        url = urllib.parse.urljoin(url, "index.html")
    reply = http.get(url, headers={"Accept": ACCEPT}, timeout=timeout, limit=PAGE_LIMIT)
    if reply.status in (404, 410):
        return None
    host = http.host_of(url)
    if reply.status != 200:
        raise BadAnswer(f"{host} answered {reply.status} for {url}")
    return parse_page(reply.body, reply.content_type, reply.url, index=index_url, host=host)


def fetch_many(index_urls: Sequence[str], name: str, *, timeout: float = http.DEFAULT_TIMEOUT) -> ProjectPage:
    """``name``'s files on every index in ``index_urls`` (the main index first), pooled.

    A file offered by two indexes at the same URL is listed once. When every index that was
    asked failed, the first failure is raised: the caller cannot tell "not on the index" from
    "the index is down" otherwise. When some answered, the failures are kept as ``problems``."""
    files: list[IndexFile] = []
    seen: set[str] = set()
    had: list[str] = []
    failures: list[Unreachable] = []
    for index_url in dict.fromkeys(index_urls):  # the same index named twice is asked once
        try:
            found = fetch_project(index_url, name, timeout=timeout)
        except Unreachable as err:
            failures.append(err)
            continue
        if found is None:
            continue
        had.append(index_url)
        for item in found:
            if item.url not in seen:
                seen.add(item.url)
                files.append(item)
    if failures and len(failures) == len(dict.fromkeys(index_urls)):
        raise failures[0]
    return ProjectPage(
        name=canonicalize_name(name),
        files=tuple(files),
        found=bool(had),
        indexes=tuple(had),
        problems=tuple(str(f) for f in failures),
    )


def parse_page(
    body: bytes, content_type: str, page_url: str, *, index: str = "", host: str = ""
) -> tuple[IndexFile, ...]:
    """A project page's bytes as files. ``page_url`` resolves relative links."""
    host = host or http.host_of(page_url)
    if content_type == JSON_TYPE or content_type == "application/json":
        return _parse_json(body, page_url, index, host)
    if content_type in HTML_TYPES or (not content_type and body.lstrip()[:1] == b"<"):
        return _parse_html(body, page_url, index, host)
    raise BadAnswer(
        f"{host} answered with {shorten(content_type or 'no content type', 60)}, not a project page"
    )


# -- PEP 691 JSON ------------------------------------------------------------------------------


def _parse_json(body: bytes, page_url: str, index: str, host: str) -> tuple[IndexFile, ...]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadAnswer(f"{host} answered with a project page that is not valid JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise BadAnswer(f"{host} answered with JSON that is not a project page (no list of files)")
    _check_api_version(_api_version(data.get("meta")), host)
    files: list[IndexFile] = []
    for entry in data["files"]:
        if not isinstance(entry, dict):
            continue
        filename, url = entry.get("filename"), entry.get("url")
        if not isinstance(filename, str) or not isinstance(url, str) or not filename:
            continue
        absolute = urllib.parse.urljoin(page_url, url)
        hashes = _json_hashes(entry.get("hashes"))
        absolute, fragment_hashes = _split_fragment(absolute)
        yanked = entry.get("yanked", False)
        files.append(
            IndexFile(
                filename=filename,
                url=absolute,
                hashes={**fragment_hashes, **hashes},
                requires_python=_str_or_none(entry.get("requires-python")),
                yanked=bool(yanked),
                yanked_reason=yanked if isinstance(yanked, str) and yanked else None,
                upload_time=_str_or_none(entry.get("upload-time")),
                size=entry["size"] if isinstance(entry.get("size"), int) else None,
                index=index,
            )
        )
    return tuple(files)


def _api_version(meta: Any) -> str | None:
    if isinstance(meta, dict) and isinstance(meta.get("api-version"), str):
        return str(meta["api-version"])
    return None


def _check_api_version(version: str | None, host: str) -> None:
    """PEP 629: a major version this client does not know must not be read."""
    if version is None:
        return
    major = version.split(".", 1)[0].strip()
    if major != "1":
        raise BadAnswer(
            f"{host} speaks version {shorten(version, 20)} of the simple repository API;"
            " only 1.x is understood"
        )


def _json_hashes(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {
        k.lower(): v.lower()
        for k, v in value.items()
        if isinstance(k, str) and isinstance(v, str) and _is_hex(v)
    }


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


# -- PEP 503 HTML ------------------------------------------------------------------------------


class _Anchors(html.parser.HTMLParser):
    """Collects ``<a>`` tags (attributes and text) and ``<base href>``; nothing else matters."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[tuple[dict[str, str | None], list[str]]] = []
        self.base: str | None = None
        self.api_version: str | None = None
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._text = []
            self.anchors.append((dict(attrs), self._text))
        elif tag == "base" and self.base is None:
            self.base = dict(attrs).get("href")
        elif tag == "meta":
            values = dict(attrs)
            if values.get("name") == "pypi:repository-version":
                self.api_version = values.get("content")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def _parse_html(body: bytes, page_url: str, index: str, host: str) -> tuple[IndexFile, ...]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")  # pip falls back the same way; names are ASCII anyway
    parser = _Anchors()
    try:
        parser.feed(_defused(text))
        parser.close()
    except (AssertionError, ValueError):  # html.parser's reaction to some broken markup
        raise BadAnswer(f"{host} answered with HTML that cannot be read as a project page") from None
    _check_api_version(parser.api_version, host)
    base = urllib.parse.urljoin(page_url, parser.base) if parser.base else page_url
    files: list[IndexFile] = []
    for attrs, text_parts in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        absolute, hashes = _split_fragment(urllib.parse.urljoin(base, href))
        filename = _filename_of(absolute) or "".join(text_parts).strip()
        if not filename:
            continue
        yanked = "data-yanked" in attrs
        reason = attrs.get("data-yanked")
        files.append(
            IndexFile(
                filename=filename,
                url=absolute,
                hashes=hashes,
                requires_python=_str_or_none(attrs.get("data-requires-python")),
                yanked=yanked,
                yanked_reason=reason if yanked and reason else None,
                index=index,
            )
        )
    if not files and not _looks_like_html(text):
        raise BadAnswer(f"{host} answered with a page that is not HTML")
    return tuple(files)


def _defused(text: str) -> str:
    """The page with what makes ``html.parser`` slow taken out, linear in its length.

    ``html.parser`` scans from each ``<`` to the end of an unfinished tag; text full of ``<``
    and no ``>`` (``<a href=<a href=...``) costs it quadratic time. In a tag only the last ``<``
    before a ``>`` can open it, so every earlier ``<`` between two ``>`` is text and is escaped.
    Comments are removed first, so a commented-out link stays out."""
    kept: list[str] = []
    start = 0
    while (opened := text.find("<!--", start)) >= 0:
        kept.append(text[start:opened])
        closed = text.find("-->", opened + 4)
        if closed < 0:
            start = len(text)
            break
        start = closed + 3
    kept.append(text[start:])
    pieces = "".join(kept).split(">")
    for i, piece in enumerate(pieces):
        first = piece.find("<")
        if first >= 0:
            last = piece.rfind("<")
            if last != first:
                pieces[i] = piece[:last].replace("<", "&lt;") + piece[last:]
    return ">".join(pieces)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith("<") or "<html" in head or not head


def _filename_of(url: str) -> str:
    path = urllib.parse.urlsplit(url).path
    return urllib.parse.unquote(path.rsplit("/", 1)[-1])


def _split_fragment(url: str) -> tuple[str, dict[str, str]]:
    """``(url without fragment, {"sha256": hex})`` from ``...whl#sha256=hex``."""
    base, _, fragment = url.partition("#")
    hashes: dict[str, str] = {}
    for part in fragment.split("&") if fragment else ():
        key, _, value = part.partition("=")
        key = key.lower()
        if key in HASH_NAMES and _is_hex(value):
            hashes[key] = value.lower()
    return base, hashes


def _is_hex(value: str) -> bool:
    return 0 < len(value) <= 128 and all(c in "0123456789abcdefABCDEF" for c in value)


# -- choosing and hashing ------------------------------------------------------------------------


def files_for(files: Iterable[IndexFile], name: str, version: str | Version) -> list[IndexFile]:
    """The files of ``name`` at ``version`` (wheels and sdists), in page order."""
    want_name = canonicalize_name(name)
    want = version if isinstance(version, Version) else Version(version)
    found = []
    for item in files:
        parsed = parse_filename(item.filename)
        if parsed and parsed.name == want_name and parsed.version == want:
            found.append(item)
    return found


def file_sha256(
    item: IndexFile, *, timeout: float = http.DEFAULT_TIMEOUT, limit: int = http.DOWNLOAD_LIMIT
) -> str:
    """The file's sha256: the index's when it gives one, else the file downloaded and hashed
    (never a guess)."""
    if item.sha256:
        return item.sha256
    return http.hash_url(item.url, "sha256", timeout=timeout, limit=limit)


def sha256_of_file(path: str) -> str:
    """A local file's sha256, read in pieces (a wheel may be larger than any cap worth
    holding in memory); regular files only, as :mod:`venv_tui.files` reads them."""
    files.check_path(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise files.Unreadable(path, files.os_reason(err)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise files.Unreadable(path, f"not a regular file ({files.kind_of(mode)})")
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1024 * 1024):
            digest.update(chunk)
        return digest.hexdigest()
    except OSError as err:
        raise files.Unreadable(path, files.os_reason(err)) from None
    finally:
        os.close(fd)


def local_files(folder: str) -> list[str]:
    """The distribution files in a ``--find-links`` folder (not recursive, as pip reads it)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if parse_filename(n) is not None]
