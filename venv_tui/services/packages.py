"""What is installed in a :class:`Site`, read from disk as ``pip list`` would show it.

Each site folder is scanned once (``os.scandir``); for every ``*.dist-info`` only the header of
``METADATA`` is read, plus the tiny ``INSTALLER``, ``REQUESTED`` and ``direct_url.json`` when
present. Name and version come from ``METADATA`` (pip's importlib backend does the same), never
from the folder name, which tools do not always keep in step.

Precedence follows ``sys.path``: the environment's own folders, each followed by the folders its
``.pth`` files add (plain path lines; ``import`` lines are code and are not run), then the
inherited ones; inside a folder, the order pip meets the entries in. The first copy of a name
wins and later copies are kept aside in ``PackageSet.shadowed``. Every file is read through
:mod:`venv_tui.files`: a pipe, a device or a huge file is one sentence naming it, and one bad
entry never hides the others.
"""

from __future__ import annotations

import os

from venv_tui.files import LIMIT_RECORD, LIMIT_SMALL, Unreadable, read_bytes
from venv_tui.model import Distribution, PackageSet, Site, record, replace
from venv_tui.services import distinfo
from venv_tui.services.metadata import ALL_FIELDS, CHECK_FIELDS, LISTING_FIELDS, Fields, read_metadata

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Iterator

    from venv_tui.services.distcache import DistCache

_SEP = os.sep  # joined by hand in the per-package paths: os.path.join costs more than a read


@record(frozen=True)
class Entry:
    """One metadata entry met in a site folder, before it is read."""

    file_name: str
    path: str
    kind: str  # "dist-info", "egg-info" or "egg-link"


def read_packages(
    site: Site, *, details: bool = True, requirements: bool = True, cache_root: str | None = None
) -> PackageSet:
    """Every distribution the site's interpreter sees. Never raises for one bad entry or an
    unreadable folder: those become sentences in ``problems``.

    For a caller that shows less, less is read. Without ``details`` only ``METADATA`` is read
    (no INSTALLER, REQUESTED, direct_url.json: ``installer`` is None, ``requested`` and
    ``editable`` False), and of it name, version and Requires-Dist: all a dependency check
    needs. Without ``requirements``, Summary, Requires-Dist, Requires-Python and Provides-Extra
    are not read (left empty): what a listing (``packages --json``) does not show.

    With ``cache_root`` (the app's cache folder), what each dist-info folder held is kept there
    and reused while the folder is unchanged (:mod:`venv_tui.services.distcache`); the result is
    the same either way."""
    if not details:
        keys = CHECK_FIELDS
    elif not requirements:
        keys = LISTING_FIELDS
    else:
        keys = ALL_FIELDS
    read = _Read(keys, details, cache_root)
    kept: dict[str, Distribution] = {}
    shadowed: list[Distribution] = []
    problems: list[str] = []
    by_directory_order = _reads_in_directory_order(site.python_version)
    folders = [(d, False) for d in site.own_dirs] + [(d, True) for d in site.inherited_dirs]
    listed: dict[str, list[str]] = {}
    folders = _with_pth_folders(folders, problems, listed)
    for folder, inherited in folders:
        names = listed.get(folder)
        for dist in _read_folder(folder, inherited, by_directory_order, problems, read, names):
            key = _canonical(dist.name)
            first = kept.get(key)
            if first is None:
                kept[key] = dist
            elif first.location == dist.location:
                # Two copies in one folder: a broken upgrade. pip shows the first it meets.
                shadowed.append(_duplicate_problem(dist, first))
            else:
                shadowed.append(dist)
    distributions = [kept[key] for key in sorted(kept)]  # keys are unique: no tie to break
    return PackageSet(
        site=site,
        distributions=tuple(distributions),
        problems=tuple(problems),
        shadowed=tuple(shadowed),
    )


def required_by(packages: PackageSet, name: str) -> tuple[str, ...]:
    """Names of the installed distributions whose requirements name ``name`` (reverse
    dependencies), for the environment's own interpreter (the installed-set index decides)."""
    from venv_tui.services.installed import index_of

    return index_of(packages).required_by(name)


def required_by_index(packages: PackageSet) -> dict[str, tuple[str, ...]]:
    """Canonical name -> the installed distributions that require it, for every name at once."""
    from venv_tui.services.installed import index_of

    return index_of(packages).required_by_all()


# -- .pth files -------------------------------------------------------------------------------


def _with_pth_folders(
    folders: list[tuple[str, bool]], problems: list[str], listed: dict[str, list[str]]
) -> list[tuple[str, bool]]:
    """``folders`` with, after each, the existing folders its ``.pth`` files name, as ``site.py``
    adds them: files in name order, blank and ``#`` lines skipped, ``import`` lines not run,
    a relative line taken from the site folder, a folder already on the path not added again.
    What each folder holds goes into ``listed``: the reader does not list it again."""
    out: list[tuple[str, bool]] = []
    known = {os.path.realpath(d) for d, _ in folders}
    for folder, inherited in folders:
        out.append((folder, inherited))
        try:
            with os.scandir(folder) as it:
                names = listed[folder] = [e.name for e in it]
        except OSError:
            continue  # the folder itself is reported by the reader
        pth = sorted(name for name in names if name.endswith(".pth"))
        for name in pth:
            path = folder + _SEP + name
            try:
                text = read_bytes(path, LIMIT_RECORD).decode("utf-8", "replace")
            except Unreadable as err:
                problems.append(f"{err.path}: {err.reason}; the folders it adds are not read.")
                continue
            for raw in text.splitlines():
                line = raw.rstrip()
                if not line or line.startswith("#") or line.startswith(("import ", "import\t")):
                    continue
                if "\0" in line:
                    continue
                added = os.path.normpath(os.path.join(folder, line))
                real = os.path.realpath(added)
                if real in known or not os.path.isdir(added):
                    continue
                known.add(real)
                out.append((added, inherited))
    return out


# -- reading one folder --------------------------------------------------------------------


def _read_folder(
    folder: str,
    inherited: bool,
    by_directory_order: bool,
    problems: list[str],
    read: _Read,
    names: list[str] | None = None,
) -> Iterator[Distribution]:
    try:
        if names is None:
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
    cache = read.cache_of(folder) if infos else None
    try:
        for entry in infos:
            if cache is not None and entry.kind == "dist-info":
                dist = cache.read(entry, inherited, problems)
            else:
                dist = read_entry(entry, folder, inherited, problems, read.details, read.keys)
            if dist is not None:
                yield dist
    finally:
        if cache is not None:
            cache.close()
    # pip reads .egg-link files after the folder's own entries (setuptools' tie-break).
    for entry in links:
        dist = _read_egg_link(entry, folder, inherited, problems, read.keys)
        if dist is not None:
            yield dist


def _entries(
    folder: str, names: list[str], by_directory_order: bool
) -> tuple[list[Entry], list[Entry]]:
    """The metadata entries of a folder, in the order pip meets them."""
    entries: list[Entry] = []
    links: list[Entry] = []
    first: dict[str, int] = {}  # group -> the order it first appeared in
    ranks: list[int] = []
    if not by_directory_order:
        names = sorted(names)  # pkg_resources (pip on Python < 3.11) sorts the folder
    for file_name in names:
        low = file_name.lower()
        if low.endswith(".dist-info"):
            kind = "dist-info"
        elif low.endswith(".egg-info"):
            kind = "egg-info"
        elif low.endswith(".egg-link"):
            links.append(Entry(file_name, folder + _SEP + file_name, "egg-link"))
            continue
        else:
            continue
        entries.append(Entry(file_name, folder + _SEP + file_name, kind))
        if by_directory_order:
            # importlib.metadata groups entries by the name part of the folder name, in the
            # order each name first appears in the directory listing.
            group = low.rpartition(".")[0].partition("-")[0].replace(".", "_")
            while "__" in group:
                group = group.replace("__", "_")
            ranks.append(first.setdefault(group, len(first)))
    if len(first) < len(ranks):  # a name met twice: its entries go together (a stable sort)
        order = sorted(range(len(entries)), key=ranks.__getitem__)
        entries = [entries[i] for i in order]
    return entries, links


class _Read:
    """What one :func:`read_packages` call reads (fields, details) and where it keeps it."""

    __slots__ = ("cache_root", "details", "keys", "now_ns")

    def __init__(self, keys: Fields, details: bool, cache_root: str | None) -> None:
        self.keys = keys
        self.details = details
        self.cache_root = cache_root
        self.now_ns = 0
        if cache_root is not None:
            import time

            self.now_ns = time.time_ns()

    def cache_of(self, folder: str) -> DistCache | None:
        if self.cache_root is None:
            return None
        from venv_tui.services.distcache import DistCache

        return DistCache(folder, self.cache_root, self.keys, self.details, self.now_ns)


def read_entry(
    entry: Entry,
    folder: str,
    inherited: bool,
    problems: list[str],
    details: bool = True,
    keys: tuple[tuple[bytes, str], ...] = ALL_FIELDS,
) -> Distribution | None:
    """One metadata entry of ``folder`` read from disk (the one reader of a dist-info or
    egg-info entry; :mod:`distcache` keeps what it returns). None, with one sentence in
    ``problems``, when it cannot be listed."""
    path = entry.path
    if entry.kind == "dist-info":
        meta = read_metadata(path + _SEP + "METADATA", keys)
    elif os.path.isdir(path):
        meta = read_metadata(path + _SEP + "PKG-INFO", keys)
    else:
        meta = read_metadata(path, keys)  # an .egg-info *file* (distutils) holds PKG-INFO itself
    if not meta.usable:
        problems.append(f"{path}: {meta.problem}; it is left out of the list.")
        return None
    assert meta.name is not None and meta.version is not None
    requires = meta.requires
    if entry.kind == "egg-info" and not requires and keys is not LISTING_FIELDS and os.path.isdir(path):
        requires = distinfo.egg_info_requires(path)
    editable_location = distinfo.editable_location(path) if details and entry.kind == "dist-info" else None
    return Distribution(
        name=meta.name,
        version=meta.version,
        location=folder,
        metadata_path=path,
        editable=editable_location is not None,
        editable_location=editable_location,
        requested=details and distinfo.is_there(path + _SEP + "REQUESTED"),
        inherited=inherited,
        summary=meta.summary,
        requires=requires,
        requires_python=meta.requires_python,
        installer=distinfo.installer_of(path) if details else None,
        kind="dist-info" if entry.kind == "dist-info" else "egg-info",
        problem=_sentence(path, meta.problem),
    )


def _read_egg_link(
    entry: Entry,
    folder: str,
    inherited: bool,
    problems: list[str],
    keys: tuple[tuple[bytes, str], ...] = ALL_FIELDS,
) -> Distribution | None:
    """A ``setup.py develop`` install: the .egg-link's first line names the project folder,
    which holds ``NAME.egg-info``."""
    try:
        text = read_bytes(entry.path, LIMIT_SMALL).decode("utf-8", "replace")
    except Unreadable as err:
        problems.append(f"{err.path}: {err.reason}; it is left out of the list.")
        return None
    target = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if not target:
        return None  # pip ignores an empty .egg-link too
    if "\0" in target:
        problems.append(f"{entry.path} names a path with a NUL byte; it is left out of the list.")
        return None
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
        dist = read_entry(info, project, inherited, problems, True, keys)
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


def canonical(name: str) -> str:
    """PEP 503 normalisation, inline: packaging's import is not needed just for this. String
    methods do the common case; only a run of separators ("a._b") needs the pattern."""
    low = name.lower().replace("_", "-").replace(".", "-")
    while "--" in low:
        low = low.replace("--", "-")
    return low


_canonical = canonical
