"""A floor written down: a requirements file, or a PEP 751 ``pylock.toml`` with a hash for
every distribution.

Requirements follow ``pip freeze``: ``name==version`` sorted, pip/setuptools/wheel/distribute
left out unless asked for, editables as ``-e <folder>``, direct-URL installs (PEP 610) as
``name @ url`` with the commit of a VCS install.

A lock names the file each distribution was installed from. For an index install that is the
wheel whose tags are the ``Tag`` lines of the installed ``WHEEL`` file (else the sdist it was
built from), looked up in the ``--find-links`` folders and on the indexes, with the sha256 the
index gives or, when it gives none, of the file itself. Editables and local folders become
``directory``, VCS installs ``vcs`` with their commit, archive URLs ``archive`` with their hash.
Nothing is guessed: a distribution whose file cannot be found is named and no lock is written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from venv_tui import files
from venv_tui.errors import BadInput, Refused, ToolFailed, shorten
from venv_tui.model import Distribution, PackageSet
from venv_tui.services.directurl import local_path, read_direct_url, requirement_url
from venv_tui.text import is_project_name, printable

if TYPE_CHECKING:
    from packaging.tags import Tag

    from venv_tui.services.index.pipconf import IndexSettings

FORMATS = ("requirements", "pylock")
# What `pip freeze` leaves out unless --all: the installer's own tools.
TOOLS = frozenset({"pip", "setuptools", "wheel", "distribute"})
_WORKERS = 4  # index pages asked for at once


class ExportFailed(ToolFailed):
    """Some distributions could not be written down; ``problems`` names each. Nothing was
    written."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Export:
    text: str
    warnings: tuple[str, ...] = ()  # sentences about what was left out


# -- choosing ------------------------------------------------------------------------------------


def chosen(
    packages: PackageSet, *, top_level: bool = False, include_all: bool = False
) -> tuple[list[Distribution], list[str]]:
    """The distributions to write, sorted by name, and a sentence per one left out because its
    name or version cannot be written safely."""
    from venv_tui.services.markers import marker_environment

    warnings: list[str] = []
    own: dict[str, Distribution] = {}
    for dist in packages.distributions:
        if dist.inherited:
            continue  # the base interpreter's, seen through system-site-packages
        if not is_project_name(dist.name):
            warnings.append(
                f"{printable(shorten(dist.name))} in {printable(dist.metadata_path)}"
                " is not a valid project name; left out"
            )
            continue
        own.setdefault(canonicalize_name(dist.name), dist)
    if top_level:
        markers = marker_environment(packages.site.python_version, packages.site.implementation)
        needed = _required_by_others(own, markers)
        own = {key: d for key, d in own.items() if d.requested or key not in needed}
    if not include_all:
        own = {key: d for key, d in own.items() if key not in TOOLS}
    return [own[key] for key in sorted(own)], warnings


def _required_by_others(own: Mapping[str, Distribution], markers: Mapping[str, str]) -> set[str]:
    """Names some other distribution of the floor requires (markers for the floor's Python;
    a requirement under an extra counts when something asks for that extra)."""
    from packaging.requirements import InvalidRequirement, Requirement

    parsed: dict[str, list[Requirement]] = {}
    for key, dist in own.items():
        reqs = []
        for raw in dist.requires:
            try:
                reqs.append(Requirement(raw))
            except InvalidRequirement:
                continue
        parsed[key] = reqs
    asked_extras: dict[str, set[str]] = {}
    for reqs in parsed.values():
        for req in reqs:
            if req.extras and _applies(req, markers, ""):
                asked_extras.setdefault(canonicalize_name(req.name), set()).update(req.extras)
    needed: set[str] = set()
    for key, reqs in parsed.items():
        extras = ["", *sorted(asked_extras.get(key, ()))]
        for req in reqs:
            target = canonicalize_name(req.name)
            if target != key and any(_applies(req, markers, e) for e in extras):
                needed.add(target)
    return needed


def _applies(req: Any, markers: Mapping[str, str], extra: str) -> bool:
    if req.marker is None:
        return True
    try:
        return bool(req.marker.evaluate({**markers, "extra": extra}))
    except Exception:  # an undefined marker variable: pip skips such a line as well
        return False


# -- requirements --------------------------------------------------------------------------------


def header(packages: PackageSet) -> str:
    python = packages.site.python_version or "unknown"
    return f"# venv-tui export of {printable(packages.site.path)} (Python {python})"


def requirements_text(packages: PackageSet, *, top_level: bool = False, include_all: bool = False) -> Export:
    dists, warnings = chosen(packages, top_level=top_level, include_all=include_all)
    lines = [header(packages)]
    for dist in dists:
        line = _requirement_line(dist)
        if line is None:
            warnings.append(f"{dist.name} {printable(shorten(dist.version))} has no valid version; left out")
            continue
        lines.append(line)
    return Export("\n".join(lines) + "\n", tuple(warnings))


def _requirement_line(dist: Distribution) -> str | None:
    from packaging.requirements import InvalidRequirement, Requirement

    if dist.editable and dist.editable_location and _plain(dist.editable_location):
        return f"-e {dist.editable_location}"
    direct = read_direct_url(dist)
    if direct is not None and not (direct.dir_info is not None and direct.dir_info.editable):
        line = f"{dist.name} @ {requirement_url(direct)}"
        try:
            Requirement(line)
        except InvalidRequirement:
            return None
        return line if _plain(line) else None
    if direct is not None and direct.dir_info is not None:
        folder = local_path(direct.url)
        if folder and _plain(folder):
            return f"-e {folder}"
    try:
        Version(dist.version)
    except InvalidVersion:
        return None
    return f"{dist.name}=={dist.version}"


def _plain(text: str) -> bool:
    """No character that would end or bend a requirements line."""
    return printable(text) == text and "\t" not in text and not text.startswith("-")


# -- pylock --------------------------------------------------------------------------------------


def installed_tags(dist: Distribution) -> frozenset[Tag]:
    """The tags of the wheel that was installed, from the ``Tag`` lines of its ``WHEEL`` file."""
    from packaging.tags import parse_tag

    try:
        text = files.read_text(os.path.join(dist.metadata_path, "WHEEL"), files.LIMIT_SMALL, errors="replace")
    except BadInput:
        return frozenset()
    tags: set[Tag] = set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "tag" and value.strip():
            try:
                tags.update(parse_tag(value.strip()))
            except ValueError:
                continue
    return frozenset(tags)


def pylock_text(
    packages: PackageSet, settings: IndexSettings, *, include_all: bool = False, timeout: float = 15.0
) -> Export:
    """The floor as a validated ``pylock.toml``. Raises ExportFailed naming every distribution
    whose file or hash could not be found (nothing is written then)."""
    import tomli_w

    dists, warnings = chosen(packages, include_all=include_all)
    entries: dict[str, dict[str, Any]] = {}
    problems: list[str] = []
    from_index: list[Distribution] = []
    for dist in dists:
        try:
            entry = _direct_entry(dist)
        except _NotFound as err:
            problems.append(str(err))
            continue
        if entry is None:
            from_index.append(dist)
        else:
            entries[canonicalize_name(dist.name)] = entry
    if from_index:
        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            looked = list(pool.map(lambda d: _index_entry(d, settings, timeout), from_index))
        for dist, (entry, problem) in zip(from_index, looked, strict=True):
            if entry is not None:
                entries[canonicalize_name(dist.name)] = entry
            elif problem:
                problems.append(problem)
    if problems:
        raise ExportFailed(_dedupe(problems))
    lock: dict[str, Any] = {"lock-version": "1.0", "created-by": "venv-tui"}
    python = _python_release(packages.site.python_version)
    if python:
        lock["requires-python"] = f"=={python}.*"
    lock["packages"] = [entries[key] for key in sorted(entries)]
    text = tomli_w.dumps(lock)
    validate_lock(text)
    return Export(text, tuple(warnings))


def validate_lock(text: str) -> None:
    """The lock read back as ``packaging`` reads it; a failure here is a bug, said plainly."""
    from packaging.pylock import Pylock, PylockValidationError

    from venv_tui.tomlread import loads

    try:
        Pylock.from_dict(loads(text, what="the lock"))
    except PylockValidationError as err:
        raise ToolFailed(f"the lock written is not valid ({err}); nothing was written") from None


class _NotFound(Exception):
    pass


def _direct_entry(dist: Distribution) -> dict[str, Any] | None:
    """A ``directory``/``vcs``/``archive`` entry for a direct-URL or editable install; None for
    an install from an index."""
    name = canonicalize_name(dist.name)
    direct = read_direct_url(dist)
    if direct is None:
        if dist.editable and dist.editable_location:
            return {"name": name, "directory": {"path": dist.editable_location, "editable": True}}
        return None
    if direct.dir_info is not None:
        folder = local_path(direct.url)
        if not folder:
            raise _NotFound(f"{dist.name}: its folder {shorten(direct.url)} is not a local path")
        source: dict[str, Any] = {"path": folder}
        if direct.dir_info.editable:
            source["editable"] = True
        if direct.subdirectory:
            source["subdirectory"] = direct.subdirectory
        return {"name": name, "directory": source}
    if direct.vcs_info is not None:
        vcs: dict[str, Any] = {"type": direct.vcs_info.vcs}
        folder = local_path(direct.url)
        vcs["path" if folder else "url"] = folder or direct.url
        if direct.vcs_info.requested_revision:
            vcs["requested-revision"] = direct.vcs_info.requested_revision
        vcs["commit-id"] = direct.vcs_info.commit_id
        if direct.subdirectory:
            vcs["subdirectory"] = direct.subdirectory
        return {"name": name, "vcs": vcs}
    hashes = dict(direct.archive_info.hashes or {}) if direct.archive_info else {}
    if not hashes:
        folder = local_path(direct.url)
        if folder is None or not os.path.isfile(folder):
            raise _NotFound(
                f"{dist.name} {dist.version}: {shorten(direct.url)} records no hash and is not a local file"
            )
        from venv_tui.services.index.simple import sha256_of_file

        try:
            hashes = {"sha256": sha256_of_file(folder)}
        except BadInput as err:
            raise _NotFound(f"{dist.name} {dist.version}: {err}") from None
    archive: dict[str, Any] = {"url": direct.url, "hashes": hashes}
    if direct.subdirectory:
        archive["subdirectory"] = direct.subdirectory
    entry: dict[str, Any] = {"name": name}
    if _version(dist) is not None:
        entry["version"] = str(_version(dist))
    entry["archive"] = archive
    return entry


def _index_entry(
    dist: Distribution, settings: IndexSettings, timeout: float
) -> tuple[dict[str, Any] | None, str | None]:
    """The exact file of an index install, from the find-links folders, then the indexes."""
    from venv_tui.services.index import simple
    from venv_tui.services.index.http import Unreachable

    version = _version(dist)
    if version is None:
        return (
            None,
            f"{dist.name} {printable(shorten(dist.version))}: not a valid version, so no file can be named",
        )
    tags = installed_tags(dist)
    name = canonicalize_name(dist.name)
    for folder in settings.find_links:
        if "://" in folder and not folder.startswith("file:"):
            continue  # only local folders are looked in
        path = local_path(folder) if folder.startswith("file:") else folder
        candidates = [
            simple.IndexFile(filename=os.path.basename(p), url=_file_url(p))
            for p in simple.local_files(path or "")
        ]
        pick = _pick(simple.files_for(candidates, name, version), tags)
        if pick is not None:
            try:
                digest = simple.sha256_of_file(local_path(pick.url) or "")
            except BadInput as err:
                return None, f"{dist.name} {version}: {err}"
            return _file_entry(name, version, pick, digest, index=None), None
    urls = settings.index_urls
    if not urls:
        where = ", ".join(settings.find_links) or "nowhere"
        return None, f"{dist.name} {version} was not found (looked in {where}; no index is used)"
    try:
        page = simple.fetch_many(urls, name, timeout=timeout)
        pick = _pick(simple.files_for(page.files, name, version), tags)
        if pick is None:
            hosts = ", ".join(dict.fromkeys(simple.http.host_of(u) for u in urls))
            return None, f"{dist.name} {version} was not found on {hosts}"
        digest = simple.file_sha256(pick, timeout=max(timeout, 60.0))
    except Unreachable as err:
        return None, str(err)
    return _file_entry(name, version, pick, digest, index=pick.index or None), None


def _pick(files: Iterable[Any], tags: frozenset[Tag]) -> Any:
    """The wheel whose tags are exactly the installed ones; else the sdist (the install was
    built from it); else None."""
    from venv_tui.services.index.simple import parse_filename

    sdist = None
    for item in files:
        parsed = parse_filename(item.filename)
        if parsed is None:
            continue
        if parsed.tags is None:
            sdist = sdist or item
        elif tags and parsed.tags == tags:
            return item
    return sdist


def _file_entry(name: str, version: Version, item: Any, digest: str, *, index: str | None) -> dict[str, Any]:
    from venv_tui.services.index.simple import parse_filename

    entry: dict[str, Any] = {"name": name, "version": str(version)}
    if index:
        entry["index"] = index
    record: dict[str, Any] = {"name": item.filename, "url": item.url}
    if item.size is not None:
        record["size"] = item.size
    record["hashes"] = {"sha256": digest}
    parsed = parse_filename(item.filename)
    if parsed is not None and parsed.tags is None:
        entry["sdist"] = record
    else:
        entry["wheels"] = [record]
    return entry


def _file_url(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


def _version(dist: Distribution) -> Version | None:
    try:
        return Version(dist.version)
    except InvalidVersion:
        return None


def _python_release(version: str | None) -> str | None:
    if not version:
        return None
    try:
        release = Version(version).release
    except InvalidVersion:
        return None
    return ".".join(str(p) for p in release[:2]) if len(release) >= 2 else None


def _dedupe(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


# -- writing -------------------------------------------------------------------------------------


def export(
    packages: PackageSet,
    *,
    fmt: str = "requirements",
    top_level: bool = False,
    include_all: bool = False,
    settings: IndexSettings | None = None,
    timeout: float = 15.0,
) -> Export:
    if fmt not in FORMATS:
        raise BadInput(f"'{shorten(fmt, 30)}' is not an export format (requirements or pylock)")
    if fmt == "pylock":
        if top_level:
            raise Refused("a lock holds every distribution; --top-level goes with --format requirements only")
        if settings is None:
            from venv_tui.services.index.pipconf import IndexSettings

            settings = IndexSettings()
        return pylock_text(packages, settings, include_all=include_all, timeout=timeout)
    return requirements_text(packages, top_level=top_level, include_all=include_all)


def write_atomic(path: str, text: str) -> None:
    """``text`` into ``path`` so that readers see the old file or the new one, never half."""
    files.check_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise BadInput("is a folder; name a file to write", path=path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".venv-tui-export-", suffix=".tmp", dir=folder)
    except OSError as err:
        raise BadInput(f"cannot be written ({files.os_reason(err)})", path=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private; an export is as readable as the file it replaces
        # (reading the umask would mean changing it, which races with other threads).
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as err:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise BadInput(f"cannot be written ({files.os_reason(err)})", path=path) from None
        raise
