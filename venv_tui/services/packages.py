"""What is installed in a :class:`Site`, read from disk as ``pip list`` would show it.

Each site folder is scanned once (``os.scandir``); for every ``*.dist-info`` only the header of
``METADATA`` is read, plus the tiny ``INSTALLER``, ``REQUESTED`` and ``direct_url.json`` when
present. Name and version come from ``METADATA`` (pip's importlib backend does the same), never
from the folder name, which tools do not always keep in step.

Precedence follows ``sys.path``: the environment's own folders, then the inherited ones; inside
a folder, the order pip meets the entries in. The first copy of a name wins and later copies
are kept aside in ``PackageSet.shadowed``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from venv_tui.model import Distribution, PackageSet, Site
from venv_tui.services.metadata import Metadata, parse_metadata, read_head, read_metadata

_NORMALIZE = re.compile(r"[-_.]+")
_SEP = os.sep  # joined by hand in the per-package paths: os.path.join costs more than a read


@dataclass(frozen=True)
class _Entry:
    """One metadata entry met in a site folder, before it is read."""

    file_name: str
    path: str
    kind: str  # "dist-info", "egg-info" or "egg-link"


def read_packages(site: Site) -> PackageSet:
    """Every distribution the site's interpreter sees. Never raises for one bad entry or an
    unreadable folder: those become sentences in ``problems``."""
    kept: dict[str, Distribution] = {}
    shadowed: list[Distribution] = []
    problems: list[str] = []
    by_directory_order = _reads_in_directory_order(site.python_version)
    folders = [(d, False) for d in site.own_dirs] + [(d, True) for d in site.inherited_dirs]
    for folder, inherited in folders:
        for dist in _read_folder(folder, inherited, by_directory_order, problems):
            key = _canonical(dist.name)
            first = kept.get(key)
            if first is None:
                kept[key] = dist
            elif first.location == dist.location:
                # Two copies in one folder: a broken upgrade. pip shows the first it meets.
                shadowed.append(_duplicate_problem(dist, first))
            else:
                shadowed.append(dist)
    distributions = sorted(kept.values(), key=lambda d: (_canonical(d.name), d.name))
    return PackageSet(
        site=site,
        distributions=tuple(distributions),
        problems=tuple(problems),
        shadowed=tuple(shadowed),
    )


def required_by(packages: PackageSet, name: str) -> tuple[str, ...]:
    """Names of the installed distributions whose requirements name ``name`` (reverse
    dependencies), for the environment's own interpreter; requirements that apply only with an
    extra, or whose marker is false there, do not count."""
    from packaging.requirements import InvalidRequirement, Requirement

    from venv_tui.services.markers import marker_environment

    wanted = _canonical(name)
    env = marker_environment(packages.site.python_version, packages.site.implementation)
    env["extra"] = ""
    found: list[str] = []
    for dist in packages.distributions:
        for raw in dist.requires:
            if _requirement_name(raw) != wanted:
                continue  # a cheap look at the name first: parsing every line is slow
            try:
                req = Requirement(raw)
            except InvalidRequirement:
                continue
            if req.marker is not None:
                try:
                    if not req.marker.evaluate(env):
                        continue
                except Exception:  # an undefined marker name: pip cannot use it either
                    continue
            found.append(dist.name)
            break
    return tuple(sorted(found, key=_canonical))


def required_by_index(packages: PackageSet) -> dict[str, tuple[str, ...]]:
    """Canonical name -> the installed distributions that require it, for every name at once
    (the same rules as :func:`required_by`). One pass over all requirements; a line is parsed
    only when it carries a marker, so thousands of packages index in milliseconds."""
    from packaging.requirements import Requirement

    from venv_tui.services.markers import marker_environment

    env = marker_environment(packages.site.python_version, packages.site.implementation)
    env["extra"] = ""
    index: dict[str, list[str]] = {}
    for dist in packages.distributions:
        seen: set[str] = set()
        for raw in dist.requires:
            key = _requirement_name(raw)
            if key is None or key in seen:
                continue
            if ";" in raw:
                try:
                    marker = Requirement(raw).marker
                    if marker is not None and not marker.evaluate(env):
                        continue
                except Exception:  # an invalid line or an undefined marker name: pip skips it too
                    continue
            seen.add(key)
            index.setdefault(key, []).append(dist.name)
    return {key: tuple(sorted(names, key=_canonical)) for key, names in index.items()}


# -- reading one folder --------------------------------------------------------------------


def _read_folder(
    folder: str, inherited: bool, by_directory_order: bool, problems: list[str]
) -> Iterator[Distribution]:
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it]
    except FileNotFoundError:
        problems.append(f"The site-packages folder {folder} does not exist.")
        return
    except NotADirectoryError:
        problems.append(f"{folder} is not a folder, so nothing installed there can be read.")
        return
    except OSError as err:
        problems.append(f"The site-packages folder {folder} cannot be read ({err.strerror}).")
        return
    infos, links = _entries(folder, names, by_directory_order)
    for entry in infos:
        dist = _read_info(entry, folder, inherited, problems)
        if dist is not None:
            yield dist
    # pip reads .egg-link files after the folder's own entries (setuptools' tie-break).
    for entry in links:
        dist = _read_egg_link(entry, folder, inherited, problems)
        if dist is not None:
            yield dist


def _entries(
    folder: str, names: list[str], by_directory_order: bool
) -> tuple[list[_Entry], list[_Entry]]:
    """The metadata entries of a folder, in the order pip meets them."""
    groups: dict[str, list[_Entry]] = {}
    links: list[_Entry] = []
    if not by_directory_order:
        names = sorted(names)  # pkg_resources (pip on Python < 3.11) sorts the folder
    for file_name in names:
        low = file_name.lower()
        if low.endswith(".dist-info"):
            kind = "dist-info"
        elif low.endswith(".egg-info"):
            kind = "egg-info"
        elif low.endswith(".egg-link"):
            links.append(_Entry(file_name, os.path.join(folder, file_name), "egg-link"))
            continue
        else:
            continue
        entry = _Entry(file_name, os.path.join(folder, file_name), kind)
        if by_directory_order:
            # importlib.metadata groups entries by the name part of the folder name, in the
            # order each name first appears in the directory listing.
            group = _NORMALIZE.sub("_", low.rpartition(".")[0].partition("-")[0])
        else:
            group = file_name
        groups.setdefault(group, []).append(entry)
    return [e for group in groups.values() for e in group], links


def _read_info(
    entry: _Entry, folder: str, inherited: bool, problems: list[str]
) -> Distribution | None:
    path = entry.path
    if entry.kind == "dist-info":
        meta = read_metadata(path + _SEP + "METADATA")
    elif os.path.isdir(path):
        meta = read_metadata(path + _SEP + "PKG-INFO")
    else:
        meta = _read_egg_info_file(path)
    if not meta.usable:
        problems.append(f"{path}: {meta.problem}; it is left out of the list.")
        return None
    assert meta.name is not None and meta.version is not None
    requires = meta.requires
    if entry.kind == "egg-info" and not requires and os.path.isdir(path):
        requires = _egg_info_requires(path)
    editable_location = _editable_location(path) if entry.kind == "dist-info" else None
    return Distribution(
        name=meta.name,
        version=meta.version,
        location=folder,
        metadata_path=path,
        editable=editable_location is not None,
        editable_location=editable_location,
        requested=os.path.exists(path + _SEP + "REQUESTED"),
        inherited=inherited,
        summary=meta.summary,
        requires=requires,
        requires_python=meta.requires_python,
        installer=_installer(path),
        kind="dist-info" if entry.kind == "dist-info" else "egg-info",
        problem=_sentence(path, meta.problem),
    )


def _read_egg_info_file(path: str) -> Metadata:
    """An ``.egg-info`` *file* (distutils' install_egg_info) holds PKG-INFO itself."""
    try:
        return parse_metadata(read_head(path), os.path.basename(path))
    except OSError as err:
        return Metadata(None, None, problem=f"it cannot be read ({err.strerror or err})")


def _read_egg_link(
    entry: _Entry, folder: str, inherited: bool, problems: list[str]
) -> Distribution | None:
    """A ``setup.py develop`` install: the .egg-link's first line names the project folder,
    which holds ``NAME.egg-info``."""
    try:
        with open(entry.path, encoding="utf-8", errors="replace") as fh:
            target = next((line.strip() for line in fh if line.strip()), "")
    except OSError as err:
        problems.append(
            f"{entry.path} cannot be read ({err.strerror}); it is left out of the list."
        )
        return None
    if not target:
        return None  # pip ignores an empty .egg-link too
    project = os.path.normpath(os.path.join(folder, target))
    try:
        with os.scandir(project) as it:
            names = [e.name for e in it]
    except OSError:
        problems.append(
            f"{entry.path} points to {project}, which no longer exists; it is left out of the list."
        )
        return None
    infos, _ = _entries(project, names, True)
    for info in infos:
        dist = _read_info(info, project, inherited, problems)
        if dist is not None:
            return replace(
                dist,
                location=folder,
                editable=True,
                editable_location=project,
                kind="egg-link",
            )
    problems.append(f"{entry.path} points to {project}, which holds no .egg-info folder.")
    return None


def _editable_location(info: str) -> str | None:
    """The project folder of a PEP 660 editable install, from ``direct_url.json``."""
    try:
        with open(info + _SEP + "direct_url.json", "rb") as fh:
            data = fh.read(64 * 1024)
    except OSError:
        return None
    import json

    try:
        parsed = json.loads(data)
    except ValueError:
        return None  # pip warns and treats it as not editable
    if not isinstance(parsed, dict):
        return None
    dir_info = parsed.get("dir_info")
    url = parsed.get("url")
    if not isinstance(dir_info, dict) or dir_info.get("editable") is not True:
        return None
    if not isinstance(url, str) or not url.startswith("file:"):
        return None
    return _file_url_to_path(url)


def _file_url_to_path(url: str) -> str:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    path = unquote(parts.path)
    if os.name == "nt":
        if parts.netloc and parts.netloc != "localhost":
            return f"\\\\{parts.netloc}{path.replace('/', os.sep)}"
        if len(path) >= 3 and path[0] == "/" and path[2] == ":":
            path = path[1:]
        return path.replace("/", os.sep)
    return path


def _installer(info: str) -> str | None:
    try:
        with open(info + _SEP + "INSTALLER", encoding="utf-8", errors="replace") as fh:
            text = fh.read(1024)
    except OSError:
        return None
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return None


def _egg_info_requires(info: str) -> tuple[str, ...]:
    """``requires.txt`` of an egg-info folder as Requires-Dist values, the way pip turns it
    into metadata (a ``[extra:marker]`` section becomes a marker)."""
    try:
        with open(os.path.join(info, "requires.txt"), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return ()
    found: list[str] = []
    extra = marker = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, marker = line.strip("[]").partition(":")
            continue
        safe = re.sub(r"[^A-Za-z0-9.-]+", "_", extra).lower()
        if extra and marker:
            found.append(f'{line} ; ({marker}) and extra == "{safe}"')
        elif extra:
            found.append(f'{line} ; extra == "{safe}"')
        elif marker:
            found.append(f"{line} ; {marker}")
        else:
            found.append(line)
    return tuple(found)


# -- helpers -------------------------------------------------------------------------------


def _reads_in_directory_order(python_version: str | None) -> bool:
    """pip reads with importlib.metadata (directory order) on Python 3.11+, and with
    pkg_resources (sorted names) before."""
    if not python_version:
        return True
    try:
        major, minor = (int(p) for p in python_version.split(".")[:2])
    except ValueError:
        return True
    return (major, minor) >= (3, 11)


def _duplicate_problem(dist: Distribution, first: Distribution) -> Distribution:
    sentence = (
        f"{dist.metadata_path} is a second copy of {first.name} in {dist.location} "
        f"(version {dist.version}); {first.version} from {first.metadata_path} is the one in use."
    )
    return replace(dist, problem=sentence)


def _sentence(path: str, problem: str | None) -> str | None:
    return f"{path}: {problem}." if problem else None


def _canonical(name: str) -> str:
    """PEP 503 normalisation, inline: packaging's import is not needed just for this."""
    return _NORMALIZE.sub("-", name).lower()


_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _requirement_name(requirement: str) -> str | None:
    match = _REQ_NAME.match(requirement)
    return _canonical(match.group(1)) if match else None
