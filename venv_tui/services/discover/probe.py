"""Asking an interpreter what the disk cannot tell: run it once, remember the answer.

``probe`` runs ``EXECUTABLE -E -S -c CODE`` (CODE works on Python 2.7 too) and caches the JSON
it prints in the cache folder, keyed by the executable's real path, size and mtime, so a second
call spawns nothing until the interpreter is replaced. ``cached_probe`` only reads that cache:
the discovery code uses it to fill in versions without ever spawning.
"""

from __future__ import annotations

import os

from venv_tui.services.layout import PYVENV_CFG, venv_of_executable

# Discovery reads this cache on every ``pythons`` and ``where``: neither ``json`` (its decoder
# imports ``re``), ``hashlib`` (it loads OpenSSL), ``typing`` nor ``dataclasses`` is imported for it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from dataclasses import dataclass as record
else:
    from venv_tui._record import record

# Bump when the probe's output changes shape, so old cache entries are ignored.
_CACHE_FORMAT = 1

# Runs under -E -S on 2.7 and 3.x: no f-strings, no print function, nothing from site's main().
_CODE = r"""
import sys
sys.path = [p for p in sys.path if p not in ('', '.')]
import os, json
# -S skips site.venv(), which is what moves sys.prefix into an environment on Python 3:
# do its part here (before sysconfig and site read sys.prefix) without running .pth files.
exe_dir = os.path.dirname(os.path.abspath(sys.executable))
venv = None
shared = False
for d in (exe_dir, os.path.dirname(exe_dir)):
    cfg = os.path.join(d, 'pyvenv.cfg')
    if os.path.isfile(cfg):
        venv = os.path.dirname(exe_dir)
        try:
            for line in open(cfg):
                k, _, val = line.partition('=')
                if k.strip().lower() == 'include-system-site-packages':
                    shared = val.strip().lower() == 'true'
        except Exception:
            pass
        break
if venv is not None and hasattr(sys, 'base_prefix'):
    sys.prefix = sys.exec_prefix = venv
import sysconfig, site
base = getattr(sys, 'base_prefix', getattr(sys, 'real_prefix', sys.prefix))
if venv is not None and hasattr(sys, 'base_prefix'):
    site.PREFIXES = [venv] + (shared and [sys.base_prefix, sys.base_exec_prefix] or [])
vi = sys.version_info
v = '%d.%d.%d' % (vi[0], vi[1], vi[2])
if vi[3] != 'final':
    v += {'alpha': 'a', 'beta': 'b', 'candidate': 'rc'}.get(vi[3], vi[3]) + str(vi[4])
impl = getattr(getattr(sys, 'implementation', None), 'name', None)
if not impl:
    impl = '__pypy__' in sys.builtin_module_names and 'pypy' or 'cpython'
sp = []
if hasattr(site, 'getsitepackages'):
    try:
        sp = list(site.getsitepackages())
    except Exception:
        sp = []
user = None
enabled = False
try:
    user = site.getusersitepackages()
    enabled = bool(site.check_enableusersite())
except Exception:
    pass
if venv is not None and not shared:
    enabled = False
if hasattr(sys, 'real_prefix'):
    nogl = os.path.join(os.path.dirname(site.__file__), 'no-global-site-packages.txt')
    enabled = enabled and not os.path.exists(nogl)
sys.stdout.write(json.dumps({
    'version': v, 'implementation': impl, 'prefix': sys.prefix, 'base_prefix': base,
    'sys_platform': sys.platform, 'purelib': sysconfig.get_path('purelib'),
    'platlib': sysconfig.get_path('platlib'), 'site_packages': sp,
    'user_site': user, 'user_site_enabled': enabled,
}))
"""


@record(frozen=True)
class ProbeResult:
    """What an interpreter says about itself."""

    version: str  # "3.12.1", "3.13.0rc1"
    implementation: str  # "cpython", "pypy", ...
    prefix: str
    base_prefix: str
    sys_platform: str
    purelib: str
    platlib: str
    site_packages: tuple[str, ...]
    user_site: str | None
    user_site_enabled: bool


_FIELDS = (
    "version",
    "implementation",
    "prefix",
    "base_prefix",
    "sys_platform",
    "purelib",
    "platlib",
    "site_packages",
    "user_site",
    "user_site_enabled",
)


def _sha1_hex(text: str) -> str:
    """sha1 of ``text`` in hex: Python's own sha1 where it has one (loading OpenSSL through
    ``hashlib`` costs more than all the rest of a discovery)."""
    try:
        from _sha1 import sha1
    except ImportError:  # an interpreter built without it
        from hashlib import sha1
    return sha1(text.encode("utf-8", "surrogateescape")).hexdigest()


class _Context:
    """What json's C scanner reads from its decoder: plain JSON, nothing hooked."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> float:
        return float(name.replace("Infinity", "inf"))  # NaN, Infinity, -Infinity


def _loads(text: str) -> object:
    """``json.loads`` by json's own C scanner, without importing ``json`` (whose decoder imports
    ``re``); ValueError for text that is not one JSON value."""
    try:
        from _json import make_scanner
    except ImportError:  # an interpreter without the C accelerator
        import json

        return json.loads(text)
    start = len(text) - len(text.lstrip(" \t\n\r"))
    try:
        value, end = make_scanner(_Context())(text, start)  # type: ignore[arg-type]
    except StopIteration:
        raise ValueError("not a JSON value") from None
    if text[end:].strip(" \t\n\r"):
        raise ValueError("more after the JSON value")
    return value


def _dumps(value: object) -> str:
    import json

    return json.dumps(value, indent=1)


def _venv_of(executable: str) -> str | None:
    """The environment folder when ``executable`` is an environment's own python."""
    return venv_of_executable(executable)


def _cache_key(executable: str) -> tuple[str, dict[str, object]] | None:
    """(cache file name, identity) or None when the executable cannot be stat'ed.

    An environment's ``bin/python`` is a link to its base interpreter, yet running it reports the
    environment's prefix: so the environment folder (and its pyvenv.cfg's mtime) joins the key,
    or every environment of one base would share one answer.
    """
    real = os.path.realpath(executable)
    try:
        st = os.stat(real)
    except OSError:
        return None
    ident: dict[str, object] = {
        "format": _CACHE_FORMAT,
        "path": real,
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
    }
    venv = _venv_of(executable)
    if venv is not None:
        ident["venv"] = os.path.realpath(venv)
        try:
            ident["cfg_mtime_ns"] = os.stat(os.path.join(venv, PYVENV_CFG)).st_mtime_ns
        except OSError:
            ident["cfg_mtime_ns"] = None
    name_source = real if venv is None else f"{real}\0{ident['venv']}"
    name = _sha1_hex(name_source) + ".json"
    return name, ident


def cache_path(executable: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The cache file for ``executable`` (whether or not it exists yet)."""
    from venv_tui.config import cache_dir

    key = _cache_key(executable)
    if key is None:
        return None
    return os.path.join(cache_dir(environ), "probe", key[0])


def _from_dict(data: object) -> ProbeResult | None:
    if not isinstance(data, dict):
        return None
    try:
        user_site = data.get("user_site")
        return ProbeResult(
            version=str(data["version"]),
            implementation=str(data["implementation"]),
            prefix=str(data["prefix"]),
            base_prefix=str(data["base_prefix"]),
            sys_platform=str(data["sys_platform"]),
            purelib=str(data["purelib"]),
            platlib=str(data["platlib"]),
            site_packages=tuple(str(p) for p in data.get("site_packages") or ()),
            user_site=str(user_site) if user_site else None,
            user_site_enabled=bool(data.get("user_site_enabled")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def cached_probe(executable: str, environ: Mapping[str, str] | None = None) -> ProbeResult | None:
    """The cached answer for ``executable`` if it is still valid; never spawns."""
    from venv_tui.config import cache_dir

    key = _cache_key(executable)
    if key is None:
        return None
    name, ident = key
    from venv_tui.files import LIMIT_CONFIG, Unreadable, read_bytes

    try:
        data = read_bytes(os.path.join(cache_dir(environ), "probe", name), LIMIT_CONFIG)
        stored = _loads(data.decode("utf-8"))
    except (Unreadable, ValueError, RecursionError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != ident:
        return None  # the interpreter was replaced (or upgraded) since: ask again
    return _from_dict(stored.get("result"))


def _write_cache(path: str, ident: dict[str, object], result: ProbeResult) -> None:
    stored = {name: getattr(result, name) for name in _FIELDS}
    data = _dumps({"key": ident, "result": stored}).encode("utf-8")
    try:
        from venv_tui.config import write_atomic

        write_atomic(path, data)
    except OSError:
        pass  # a read-only cache folder costs a spawn next time, nothing more


def probe(
    executable: str,
    *,
    environ: Mapping[str, str] | None = None,
    timeout: float = 10.0,
) -> ProbeResult | None:
    """What ``executable`` says about itself (cached). None, never an exception, when it cannot
    run, times out, or prints something that is not the expected answer."""
    from venv_tui.config import cache_dir

    cached = cached_probe(executable, environ)
    if cached is not None:
        return cached
    key = _cache_key(executable)
    if key is None:
        return None
    name, ident = key
    import subprocess

    try:
        done = subprocess.run(
            [executable, "-E", "-S", "-c", _CODE],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
    if done.returncode != 0:
        return None
    try:
        result = _from_dict(_loads(done.stdout.decode("utf-8", "replace")))
    except ValueError:
        return None
    if result is not None:
        _write_cache(os.path.join(cache_dir(environ), "probe", name), ident, result)
    return result
