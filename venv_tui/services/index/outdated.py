"""The newest version each floor could install, for every floor at once.

For each distribution: the newest version on the floor's indexes that its own pip would pick —
a wheel whose tags the floor's interpreter accepts (:mod:`.tags`) or an sdist, its
``Requires-Python`` satisfied by the floor's Python, not yanked, and a pre-release only when
asked. Each (index, name) is asked once across all the floors, a few at a time; answers are
kept in the cache folder for ``index_cache_hours`` and, when the index cannot be reached, the
cached ones are used whatever their age (the report says from when). The decisions are pure
functions; fetching is a thin edge over the simple-API client (:mod:`.simple`).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.tags import Tag
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from venv_tui.errors import VenvTuiError
from venv_tui.model import FloorOutdated, OutdatedPackage, OutdatedReport, PackageSet, Site
from venv_tui.services.index.cache import AnswerCache, Cached
from venv_tui.services.index.floors import FloorRead, Installed, installed, read_floors
from venv_tui.services.index.pool import Progress, gather
from venv_tui.services.index.tags import FloorPython, floor_python, floor_tags

if TYPE_CHECKING:  # the client is imported when it is used
    from venv_tui.services.index.pipconf import IndexSettings


class FileLike(Protocol):
    @property
    def filename(self) -> str: ...
    @property
    def requires_python(self) -> str | None: ...
    @property
    def yanked(self) -> bool: ...


@dataclass(frozen=True)
class Known:
    """What the decision needs of one file on a project page (and all the cache keeps)."""

    filename: str
    requires_python: str | None = None
    yanked: bool = False


# -- pure decisions --------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def python_satisfies(requires_python: str | None, version: Version) -> bool:
    """Whether the floor's Python meets a file's ``Requires-Python``. A specifier that cannot be
    read does not exclude the file (pip passes over the check then too). Cached: a project's
    thousands of files share a handful of specifiers."""
    if not requires_python:
        return True
    try:
        return SpecifierSet(requires_python).contains(version, prereleases=True)
    except InvalidSpecifier:
        return True


@functools.lru_cache(maxsize=1 << 16)
def _name_version(filename: str) -> tuple[str, Version] | None:
    """A file's project and version. A wheel's name splits on "-" (PEP 427), which is much
    cheaper than reading its tags; those are read only for the files a decision reaches."""
    if filename.endswith(".whl"):
        parts = filename[:-4].split("-")
        if len(parts) not in (5, 6):
            return None
        try:
            return canonicalize_name(parts[0]), Version(parts[1])
        except InvalidVersion:
            return None
    from venv_tui.services.index.simple import parse_filename

    parsed = parse_filename(filename)
    return None if parsed is None else (str(parsed.name), parsed.version)


@functools.lru_cache(maxsize=1 << 16)
def _wheel_tags(filename: str) -> frozenset[Tag]:
    """A wheel's tags; empty for a name that breaks the rules (no floor accepts it)."""
    from venv_tui.services.index.simple import parse_filename

    parsed = parse_filename(filename)
    return frozenset() if parsed is None or parsed.tags is None else parsed.tags


def _candidate(item: FileLike, key: str, pre: bool) -> Version | None:
    """The version of ``item`` when it is a file of ``key`` that is neither yanked nor a
    pre-release nobody asked for."""
    if item.yanked:
        return None
    found = _name_version(item.filename)
    if found is None or found[0] != key:
        return None
    if found[1].is_prerelease and not pre:
        return None
    return found[1]


def _fits(item: FileLike, python: FloorPython, tags: frozenset[Tag]) -> bool:
    if not python_satisfies(item.requires_python, python.version):
        return False
    # A wheel must be built for the floor's interpreter, ABI and platform; an sdist builds anywhere.
    return not item.filename.endswith(".whl") or bool(_wheel_tags(item.filename) & tags)


def installable(
    item: FileLike, key: str, python: FloorPython, tags: frozenset[Tag], *, pre: bool = False
) -> Version | None:
    """The version ``item`` would install on the floor, or None when its pip would pass it over."""
    version = _candidate(item, key, pre)
    return version if version is not None and _fits(item, python, tags) else None


def newest(
    files: Iterable[FileLike], key: str, python: FloorPython, tags: frozenset[Tag], *, pre: bool = False
) -> Version | None:
    """The newest version of ``key`` among ``files`` that the floor can install: newest first,
    the first file that fits wins (the older files' tags are never read)."""
    candidates = [(v, item) for item in files if (v := _candidate(item, key, pre)) is not None]
    candidates.sort(key=lambda pair: pair[0], reverse=True)
    for version, item in candidates:
        if _fits(item, python, tags):
            return version
    return None


def outdated_packages(
    held: Sequence[Installed],
    files: Mapping[str, Sequence[FileLike]],
    python: FloorPython,
    *,
    pre: bool = False,
) -> list[OutdatedPackage]:
    """What ``held`` has that an installable newer version on the index replaces."""
    tags = floor_tags(python)
    found = []
    for item in held:
        latest = newest(files.get(item.key, ()), item.key, python, tags, pre=pre)
        if latest is not None and latest > item.version:
            found.append(OutdatedPackage(item.name, item.text, str(latest)))
    return found


# -- the cache's shape -------------------------------------------------------------------------


def to_payload(found: Sequence[FileLike] | None) -> dict[str, Any]:
    if found is None:
        return {"found": False, "files": []}
    return {"found": True, "files": [[f.filename, f.requires_python, bool(f.yanked)] for f in found]}


def from_payload(payload: Mapping[str, Any]) -> list[Known] | None:
    """The files of a cached answer (None: the index does not have the project)."""
    if not payload.get("found"):
        return None
    known = []
    for row in payload.get("files") or ():
        if isinstance(row, list) and len(row) == 3 and isinstance(row[0], str):
            requires = row[1] if isinstance(row[1], str) else None
            known.append(Known(row[0], requires, bool(row[2])))
    return known


# -- the requests ------------------------------------------------------------------------------

Request = tuple[str, str]  # (index URL, canonical name)


@dataclass
class _Floor:
    read: FloorRead
    python: FloorPython | None = None
    settings: IndexSettings | None = None
    held: tuple[Installed, ...] = ()
    problem: str | None = None


def _find_links_files(locations: Iterable[str], timeout: float) -> tuple[dict[str, list[Known]], list[str]]:
    """The files of ``--find-links`` folders (and flat pages at http URLs) by project name, and
    the sentences about those that could not be read."""
    import os

    from venv_tui.services.index import http, simple

    known: list[Known] = []
    problems: list[str] = []
    for location in locations:
        if location.startswith(("http://", "https://")):
            try:
                reply = http.get(location, headers={"Accept": "text/html"}, timeout=timeout)
                if reply.status != 200:
                    raise simple.BadAnswer(f"{http.host_of(location)} answered {reply.status} for {location}")
                page = simple.parse_page(reply.body, reply.content_type or "text/html", reply.url)
            except http.Unreachable as err:
                problems.append(str(err))
                continue
            known += [Known(f.filename, f.requires_python, f.yanked) for f in page]
            continue
        folder = location[len("file://") :] if location.startswith("file://") else location
        known += [Known(os.path.basename(path)) for path in simple.local_files(folder)]
    by_name: dict[str, list[Known]] = {}
    for item in known:
        parsed = simple.parse_filename(item.filename)
        if parsed is not None:
            by_name.setdefault(str(parsed.name), []).append(item)
    return by_name, problems


def _prepare(
    floor: _Floor, settings_for: Callable[[Site], IndexSettings], environ: dict[str, str] | None
) -> None:
    """The floor's Python, index settings and what it holds, or the sentence why not."""
    packages = floor.read.packages
    if packages is None:
        floor.problem = floor.read.problem
        return
    floor.python = floor_python(packages.site, environ)
    if floor.python is None:
        floor.problem = f"{floor.read.path}: which Python it runs cannot be told, so neither can what fits it"
        return
    try:
        floor.settings = settings_for(packages.site)
    except VenvTuiError as err:  # a broken pip.conf: pip itself refuses to run there
        floor.problem = str(err)
        return
    floor.held = tuple(installed(packages))


@dataclass
class _Answers:
    files: dict[Request, list[Known] | None]  # None: the index does not have the project
    cached_at: dict[Request, float]  # answers taken from the cache, and when they were fetched
    unanswered: set[Request]
    problem: str | None
    cancelled: bool


def _ask(
    wanted: Sequence[Request],
    cache: AnswerCache,
    *,
    hours: float,
    timeout: float,
    cancel: threading.Event | None,
    progress: Progress | None,
) -> _Answers:
    """Fresh cached answers as they are; the rest asked, a few at a time; stale cached answers
    when the index cannot give them now."""
    from venv_tui.services.index.http import Unreachable
    from venv_tui.services.index.simple import fetch_project

    now = time.time()
    out = _Answers({}, {}, set(), None, False)
    stale: dict[Request, Cached] = {}
    to_fetch: list[Request] = []
    for request in wanted:
        hit = cache.load(*request)
        if hit is not None and hit.fresh(hours, now):
            out.files[request] = from_payload(hit.payload)
            out.cached_at[request] = hit.fetched_at
        else:
            to_fetch.append(request)
            if hit is not None:
                stale[request] = hit
    if progress is not None:
        progress(0, len(to_fetch))
    fetched = gather(
        to_fetch,
        lambda request: fetch_project(request[0], request[1], timeout=timeout),
        group=lambda request: request[0],  # a dead index is given up, not asked once per name
        stop_on=(Unreachable,),
        cancel=cancel,
        progress=progress,
    )
    for request, result in fetched.results.items():
        out.files[request] = (
            None if result is None else [Known(f.filename, f.requires_python, f.yanked) for f in result]
        )
        cache.store(*request, to_payload(result), now=now)  # "not on this index" is kept too
    for request in [*fetched.errors, *fetched.skipped]:
        hit = stale.get(request)
        if hit is not None:
            out.files[request] = from_payload(hit.payload)
            out.cached_at[request] = hit.fetched_at
        else:
            out.unanswered.add(request)
    out.problem = next((str(e) for e in fetched.errors.values()), None)
    out.cancelled = fetched.cancelled
    return out


def outdated(
    paths: Sequence[str],
    read: Callable[[str], PackageSet],
    settings_for: Callable[[Site], IndexSettings],
    *,
    cache: AnswerCache,
    hours: float = 6.0,
    pre: bool = False,
    timeout: float = 15.0,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    environ: dict[str, str] | None = None,
) -> OutdatedReport:
    """What is outdated on every floor in ``paths``. Never raises for the network: an index that
    cannot be reached (or answers garbage) is the report's ``problem``, its cached answers used."""
    floors = [_Floor(f) for f in read_floors(paths, read)]
    for floor in floors:
        _prepare(floor, settings_for, environ)
    wanted = list(
        dict.fromkeys(
            (index, item.key)
            for floor in floors
            if floor.settings is not None
            for index in floor.settings.index_urls
            for item in floor.held
        )
    )
    answers = _ask(wanted, cache, hours=hours, timeout=timeout, cancel=cancel, progress=progress)
    problem = answers.problem
    links: dict[tuple[str, ...], dict[str, list[Known]]] = {}
    reports = []
    for floor in floors:
        settings = floor.settings
        if floor.python is None or settings is None:
            reports.append(FloorOutdated(floor.read.path, (), problem=floor.problem))
            continue
        if settings.find_links not in links and not answers.cancelled:
            links[settings.find_links], link_problems = _find_links_files(settings.find_links, timeout)
            problem = problem or next(iter(link_problems), None)
        local = links.get(settings.find_links, {})
        files: dict[str, list[Known]] = {}
        stamps: list[float] = []
        missed: list[str] = []
        for item in floor.held:
            pooled = list(local.get(item.key, ()))
            for index in settings.index_urls:
                request = (index, item.key)
                if request in answers.unanswered:
                    missed.append(item.name)
                pooled += answers.files.get(request) or []
                if request in answers.cached_at:
                    stamps.append(answers.cached_at[request])
            files[item.key] = pooled
        reports.append(
            FloorOutdated(
                floor.read.path,
                tuple(outdated_packages(floor.held, files, floor.python, pre=pre)),
                index=settings.index_urls[0] if settings.index_urls else None,
                extra_index_urls=settings.index_urls[1:],
                find_links=settings.find_links,
                cached_at=min(stamps) if stamps else None,
                unchecked=tuple(dict.fromkeys(missed)),
                checked=len({item.name for item in floor.held} - set(missed)),
            )
        )
    return OutdatedReport(tuple(reports), problem, answers.cancelled)
