"""Finding Python interpreters on disk without running any of them.

Looked for on ``PATH``, in pyenv's and uv's version folders, conda's base, the usual system
folders and the config's extra paths. pyenv shims are resolved the way pyenv itself would
(``PYENV_VERSION``, ``.python-version`` files, the global ``version`` file, else "system"), by
reading files, never by running the shim. Versions come from names and files next to the
executable (``python3.12``, ``versions/3.12.1``, ``include/python3.12/patchlevel.h``) or from
the probe cache when an earlier probe already asked the interpreter.
"""

from __future__ import annotations

import os

from venv_tui import files
from venv_tui.model import Interpreter, InterpreterSource, replace
from venv_tui.services.discover.places import data_home, home_dir, pyenv_root

# On-disk facts (names, versions from files, which venv owns an executable) live in layout.
from venv_tui.services.layout import (  # noqa: F401 - kept importable from here
    implementation_from_names,
    is_interpreter_name,
    version_from_files,
    version_from_folder,
    version_from_name,
)

# Neither ``re`` nor ``dataclasses`` is imported here: ``pythons`` and ``where`` would pay their
# imports (``re`` pulls ``enum`` and ``functools``, ``dataclasses`` pulls ``inspect``) on every run.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

SYSTEM_FOLDERS = ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin", "/opt/local/bin")
_MAC_FRAMEWORKS = "/Library/Frameworks/Python.framework/Versions"
CONDA_BASES = ("miniconda3", "anaconda3", "miniforge3", "mambaforge")


# -- where things live ------------------------------------------------------------------------


def uv_python_dir(environ: Mapping[str, str]) -> str:
    return environ.get("UV_PYTHON_INSTALL_DIR") or os.path.join(data_home(environ), "uv", "python")


def conda_bases(environ: Mapping[str, str]) -> list[str]:
    """conda installations: the active one, the one ``$CONDA_EXE`` belongs to, the usual homes."""
    bases: list[str] = []
    prefix = environ.get("CONDA_PREFIX")
    if prefix:
        parent = os.path.dirname(prefix.rstrip(os.sep))
        # An activated named environment lives in BASE/envs/NAME: its base is two levels up.
        bases.append(os.path.dirname(parent) if os.path.basename(parent) == "envs" else prefix)
        bases.append(prefix)
    exe = environ.get("CONDA_EXE")
    if exe:
        bases.append(os.path.dirname(os.path.dirname(exe)))
    home = home_dir(environ)
    bases += [os.path.join(home, name) for name in CONDA_BASES]
    return list(dict.fromkeys(bases))


def path_dirs(environ: Mapping[str, str]) -> list[str]:
    return [d for d in environ.get("PATH", "").split(os.pathsep) if d]


# -- small pure helpers -----------------------------------------------------------------------


def version_key(version: str | None) -> tuple[int, ...]:
    """A sort key: "3.12.1" > "3.12" > "3.9.18" > None."""
    if not version:
        return ()
    return tuple(int(p) for p in _digit_runs(version)[:3])


def _digit_runs(text: str) -> list[str]:
    """The runs of decimal digits in ``text``, as ``re.findall`` finds ``\\d+`` in it."""
    runs: list[str] = []
    start = -1
    for i, char in enumerate(text):
        if char.isdecimal():  # what \d matches in a str pattern: Unicode category Nd
            if start < 0:
                start = i
        elif start >= 0:
            runs.append(text[start:i])
            start = -1
    if start >= 0:
        runs.append(text[start:])
    return runs


def _name_rank(name: str) -> tuple[int, str]:
    # In one folder, list an interpreter under the name people type: python3, python, then rest.
    base = name.lower().removesuffix(".exe")
    return ({"python3": 0, "python": 1}.get(base, 2), name)


def is_venv_executable(path: str) -> bool:
    """An executable whose folder's parent holds pyvenv.cfg belongs to an environment."""
    from venv_tui.services.layout import venv_of_executable

    return venv_of_executable(path) is not None


def _is_executable_file(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _under(path: str, folder: str) -> bool:
    folder = folder.rstrip(os.sep)
    return bool(folder) and (path == folder or path.startswith(folder + os.sep))


# -- pyenv shims ------------------------------------------------------------------------------


def is_pyenv_shim(path: str, environ: Mapping[str, str]) -> bool:
    shims = os.path.join(pyenv_root(environ), "shims")
    return os.path.dirname(os.path.abspath(path)) == os.path.abspath(shims)


def _read_version_file(path: str) -> list[str] | None:
    """The version names in a pyenv version file, or None when there is no such file (or it is
    not a regular file: a named pipe there must not hang discovery)."""
    try:
        data, _ = files.read_head(path, 4096)
    except files.Unreadable:
        return None
    names: list[str] = []
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.split("#", 1)[0]
        names += line.split()
    return names


def pyenv_selected_versions(environ: Mapping[str, str], cwd: str | None = None) -> list[str]:
    """What pyenv would select: ``PYENV_VERSION``, the nearest ``.python-version`` from the
    current folder upward, ``$PYENV_ROOT/version``, else ``["system"]``."""
    raw = environ.get("PYENV_VERSION")
    if raw:
        # Names split at colons and white space (what re.split(r"[:\s]+") does, empties left out).
        return raw.replace(":", " ").split()
    folder = os.path.abspath(environ.get("PYENV_DIR") or cwd or os.getcwd())
    while True:
        found = _read_version_file(os.path.join(folder, ".python-version"))
        if found:
            return found
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    found = _read_version_file(os.path.join(pyenv_root(environ), "version"))
    return found or ["system"]


def _pyenv_version_dir(root: str, name: str) -> str | None:
    """``versions/NAME``, or the newest ``versions/NAME.*`` (pyenv accepts a prefix like 3.12)."""
    versions = os.path.join(root, "versions")
    exact = os.path.join(versions, name)
    if os.path.isdir(exact):
        return exact
    try:
        matches = [n for n in os.listdir(versions) if n.startswith(name + ".")]
    except OSError:
        return None
    if not matches:
        return None
    return os.path.join(versions, max(matches, key=version_key))


def _is_shims_dir(folder: str, root: str) -> bool:
    """pyenv's shims, or a pyenv plugin's (pyenv-virtualenv has its own)."""
    folder = os.path.abspath(folder)
    return os.path.basename(folder) == "shims" and _under(folder, os.path.abspath(root))


def _which(command: str, dirs: Iterable[str]) -> str | None:
    for folder in dirs:
        candidate = os.path.join(folder, command)
        if _is_executable_file(candidate):
            return candidate
    return None


def resolve_pyenv_shim(
    name: str, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> str | None:
    """The executable that the pyenv shim ``name`` (``python3``) would run, found by reading
    pyenv's files; None when the selected versions do not provide it."""
    env = os.environ if environ is None else environ
    root = pyenv_root(env)
    for version in pyenv_selected_versions(env, cwd):
        if version == "system":
            # "system": whatever comes on PATH once pyenv's own folders are left out.
            others = [d for d in path_dirs(env) if not _is_shims_dir(d, root)]
            found = _which(name, others)
        else:
            folder = _pyenv_version_dir(root, version)
            found = None
            if folder:
                candidate = os.path.join(folder, "bin", name)
                found = candidate if _is_executable_file(candidate) else None
        if found:
            return found
    return None


# -- discovery --------------------------------------------------------------------------------


class _Found:
    """One interpreter as discovery meets it, by real path; filled in as more names lead to it."""

    __slots__ = ("default", "names", "path", "real_path", "shadowed_by", "source")

    def __init__(self, path: str, real_path: str, source: InterpreterSource) -> None:
        self.path = path
        self.real_path = real_path
        self.source = source
        self.names: list[str] = []
        self.shadowed_by: str | None = None
        self.default = False


def _scan_bin(folder: str) -> list[str]:
    """Interpreter-looking executables in ``folder``, the typed-first names first."""
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it if is_interpreter_name(e.name)]
    except OSError:
        return []
    return [os.path.join(folder, n) for n in sorted(names, key=_name_rank)]


def _glob_bins(folder: str, pattern_dirs: int) -> Iterator[str]:
    """``FOLDER/*/bin`` (pattern_dirs=1) or ``FOLDER/*/*/bin`` ..., sorted."""
    level = [folder]
    for _ in range(pattern_dirs):
        nxt: list[str] = []
        for base in level:
            try:
                nxt += sorted(os.path.join(base, n) for n in os.listdir(base))
            except OSError:
                continue
        level = nxt
    for base in level:
        yield os.path.join(base, "bin")


class _Collector:
    def __init__(self, environ: Mapping[str, str], cwd: str | None) -> None:
        self.environ = environ
        self.cwd = cwd
        self.by_real: dict[str, _Found] = {}
        self.roots: list[tuple[str, InterpreterSource]] = [
            (os.path.join(pyenv_root(environ), "versions"), "pyenv"),
            (uv_python_dir(environ), "uv"),
        ]
        self.roots += [(base, "conda") for base in conda_bases(environ)]

    def classify(self, path: str, real: str, fallback: InterpreterSource) -> InterpreterSource:
        # A pyenv or uv interpreter reached through PATH is still "pyenv"/"uv": say where it lives.
        for root, source in self.roots:
            if _under(os.path.abspath(path), root) or _under(real, os.path.realpath(root)):
                return source
        return fallback

    def add(self, path: str, source: InterpreterSource) -> _Found | None:
        if not _is_executable_file(path) or is_venv_executable(path):
            return None
        real = os.path.realpath(path)
        found = self.by_real.get(real)
        if found is None:
            found = _Found(path=path, real_path=real, source=self.classify(path, real, source))
            self.by_real[real] = found
        if path not in found.names:
            found.names.append(path)
        return found

    def scan_path(self) -> None:
        """PATH in order: the first folder offering a command name owns it; later ones with the
        same name but another real file are shadowed by it."""
        owners: dict[str, _Found | str] = {}  # command name -> what runs when it is typed
        for folder in path_dirs(self.environ):
            for path in _scan_bin(folder):
                name = os.path.basename(path)
                owner = owners.get(name)
                if is_pyenv_shim(path, self.environ):
                    target = resolve_pyenv_shim(name, self.environ, self.cwd)
                    found = self.add(target, "path") if target else None
                    if found is not None and path not in found.names:
                        found.names.append(path)
                    if owner is None:
                        # An unresolvable shim still hides later entries (pyenv reports an error).
                        owners[name] = found if found is not None else path
                    continue
                found = self.add(path, "path")
                if found is None:
                    continue
                if owner is None:
                    owners[name] = found
                elif found.shadowed_by is None and os.path.basename(found.path) == name:
                    hider = owner.path if isinstance(owner, _Found) else owner
                    if not isinstance(owner, _Found) or owner.real_path != found.real_path:
                        found.shadowed_by = hider
        for command in ("python3", "python"):
            owner = owners.get(command)
            if owner is not None:
                # An unresolvable python3 shim still means "python3 runs nothing usable".
                if isinstance(owner, _Found):
                    owner.default = True
                break

    def scan_folders(self) -> None:
        env = self.environ
        for bin_dir in _glob_bins(os.path.join(pyenv_root(env), "versions"), 1):
            for path in _scan_bin(bin_dir):
                self.add(path, "pyenv")
        for bin_dir in _glob_bins(uv_python_dir(env), 1):
            for path in _scan_bin(bin_dir):
                if os.path.basename(path).lower().startswith(("python3", "pypy3", "graalpy")):
                    self.add(path, "uv")
        for base in conda_bases(env):
            for path in _scan_bin(os.path.join(base, "bin")):
                self.add(path, "conda")
        for folder in SYSTEM_FOLDERS:
            for path in _scan_bin(folder):
                self.add(path, "system")
        for bin_dir in _glob_bins(_MAC_FRAMEWORKS, 1):
            for path in _scan_bin(bin_dir):
                self.add(path, "system")

    def scan_extra(self, extra: Sequence[str]) -> None:
        for raw in extra:
            path = os.path.expanduser(raw)
            if os.path.isdir(path):
                inner = os.path.join(path, "bin")
                for candidate in _scan_bin(inner if os.path.isdir(inner) else path):
                    self.add(candidate, "config")
            else:
                self.add(path, "config")  # a missing config entry is skipped, not an error


def _version_and_impl(found: _Found, environ: Mapping[str, str]) -> tuple[str | None, str]:
    from venv_tui.services.discover.probe import cached_probe

    cached = cached_probe(found.real_path, environ)
    if cached is not None:
        return cached.version, cached.implementation
    paths = [found.real_path] + [n for n in found.names if n != found.real_path]
    version = version_from_files(paths)
    names = [os.path.basename(found.real_path)] + [
        os.path.basename(os.path.dirname(os.path.dirname(p))) for p in paths
    ]
    return version, implementation_from_names(names)


def _to_interpreter(found: _Found, environ: Mapping[str, str]) -> Interpreter:
    version, implementation = _version_and_impl(found, environ)
    return Interpreter(
        path=found.path,
        real_path=found.real_path,
        version=version,
        implementation=implementation,
        source=found.source,
        default=found.default,
        shadowed_by=found.shadowed_by,
        names=tuple(found.names),
    )


def sort_interpreters(interpreters: Iterable[Interpreter]) -> list[Interpreter]:
    """Default first, then newest version first, then path."""
    ordered = sorted(interpreters, key=lambda i: i.path)
    ordered.sort(key=lambda i: version_key(i.version), reverse=True)
    ordered.sort(key=lambda i: not i.default)
    return ordered


def find_interpreters(
    *,
    environ: Mapping[str, str] | None = None,
    extra: Sequence[str] = (),
    cwd: str | None = None,
) -> list[Interpreter]:
    """Every interpreter found on disk, deduplicated by real path. Spawns no process."""
    env = os.environ if environ is None else environ
    collector = _Collector(env, cwd)
    collector.scan_path()
    collector.scan_folders()
    collector.scan_extra(extra)
    return sort_interpreters(_to_interpreter(f, env) for f in collector.by_real.values())


def default_interpreter(
    *, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> Interpreter | None:
    """What ``python3`` (else ``python``) finds first on PATH, pyenv shims resolved."""
    env = os.environ if environ is None else environ
    collector = _Collector(env, cwd)
    collector.scan_path()
    for found in collector.by_real.values():
        if found.default:
            return _to_interpreter(found, env)
    return None


def describe_interpreter(
    path: str, *, environ: Mapping[str, str] | None = None, cwd: str | None = None
) -> Interpreter | None:
    """One executable as an :class:`Interpreter` (pyenv shims resolved); None when it is not an
    executable outside an environment."""
    env = os.environ if environ is None else environ
    if is_pyenv_shim(path, env):
        target = resolve_pyenv_shim(os.path.basename(path), env, cwd)
        if target is None:
            return None
        path = target
    collector = _Collector(env, cwd)
    found = collector.add(os.path.abspath(path), "config")
    if found is None:
        return None
    if found.source == "config":
        on_path = {os.path.abspath(d) for d in path_dirs(env)}
        if os.path.dirname(os.path.abspath(path)) in on_path:
            found.source = "path"
        elif os.path.dirname(os.path.abspath(path)) in SYSTEM_FOLDERS:
            found.source = "system"
    return replace(_to_interpreter(found, env), default=False)
