"""Settings in ``config.toml`` under the platformdirs config folder.

The file belongs to the user: venv-tui only reads it (through :mod:`venv_tui.files`, so a named
pipe, a folder or an endless file in its place costs nothing). A file that cannot be used -- not
valid TOML, a wrong type, unreadable, not a regular file, nested without end -- never stops a
command: the defaults are used, the file is left as it is, and :attr:`Config.warning` holds the
one sentence (with its line where there is one) that the CLI prints on stderr and the app shows
as a notification. A UTF-8 byte-order mark is accepted.
"""

from __future__ import annotations

import os
import sys

from venv_tui.errors import BadInput

# A record, not a dataclass: every headless command reads the config, and importing dataclasses
# (which imports inspect) would be most of a short command's start-up.
from venv_tui.model import field, record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

APP_NAME = "venv-tui"
CONFIG_ENV = "VENV_TUI_CONFIG_DIR"  # overrides the config folder (tests, portable setups)
CACHE_ENV = "VENV_TUI_CACHE_DIR"  # overrides the cache folder


@record(frozen=True)
class Config:
    roots: tuple[str, ...] = ()  # extra folders to search for environments
    envs_folder: str | None = None  # where new environments go by default
    scan_depth: int = 3  # how deep to look below the project folder and each root
    shell: str | None = None  # overrides $SHELL for "open a shell"
    interpreters: tuple[str, ...] = ()  # extra interpreter paths to list
    watch: tuple[str, ...] = field(default=())  # extra scripts/files always watched
    index_cache_hours: int = 6  # how long answers from the package index are reused
    audit_service_url: str | None = None  # a vulnerability service other than the default
    # Why the file was not used (the defaults stand in), or None. Not a setting: two configs
    # with the same settings are equal whatever was said about the file.
    warning: str | None = field(default=None, compare=False)


def config_dir(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if env.get(CONFIG_ENV):
        return env[CONFIG_ENV]
    if sys.platform.startswith("linux"):
        # What platformdirs answers on Linux, without its import cost on every headless run.
        return os.path.join(_xdg(env, "XDG_CONFIG_HOME", ".config"), APP_NAME)
    from platformdirs import user_config_dir

    return user_config_dir(APP_NAME, appauthor=False)


def cache_dir(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    if env.get(CACHE_ENV):
        return env[CACHE_ENV]
    if sys.platform.startswith("linux"):
        return os.path.join(_xdg(env, "XDG_CACHE_HOME", ".cache"), APP_NAME)
    from platformdirs import user_cache_dir

    return user_cache_dir(APP_NAME, appauthor=False)


def _xdg(env: Mapping[str, str], variable: str, default: str) -> str:
    value = env.get(variable, "").strip()
    if value and os.path.isabs(value):
        return value
    return os.path.join(env.get("HOME") or os.path.expanduser("~"), default)


def config_path(environ: Mapping[str, str] | None = None) -> str:
    return os.path.join(config_dir(environ), "config.toml")


_LIST_KEYS = {"roots", "interpreters", "watch"}
_PATH_KEYS = {"envs_folder", "shell"}
_URL_KEYS = {"audit_service_url"}
# (key, lowest, highest) of the whole-number settings.
_INT_KEYS = {"scan_depth": (0, 20), "index_cache_hours": (0, 24 * 365)}


def _expand(value: str) -> str:
    return os.path.expanduser(os.path.expandvars(value))


def parse_config(text: str, path: str = "config.toml") -> Config:
    """A :class:`Config` from TOML text; BadInput with the line for invalid TOML or types."""
    from venv_tui import tomlread

    try:
        data = tomlread.loads(text, path=path, what="the config file")
    except RecursionError:
        # tomllib recurses once per nesting level: `a = [[[[...` thousands deep.
        raise BadInput("the config file is nested too deeply to be read", path=path) from None
    values: dict[str, Any] = {}

    def wrong(key: str, what: str) -> BadInput:
        return BadInput(f"'{key}' must be {what}", path=path, line=_key_line(text, key))

    for key, value in data.items():
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise wrong(key, "a list of strings")
            if any("\0" in v for v in value):
                raise wrong(key, "a list of paths without NUL characters")
            values[key] = tuple(_expand(v) for v in value)
        elif key in _PATH_KEYS or key in _URL_KEYS:
            if not isinstance(value, str):
                raise wrong(key, "a string")
            if "\0" in value:
                raise wrong(key, "a string without NUL characters")
            if key in _URL_KEYS:
                values[key] = value.strip() or None  # an empty URL means "the default service"
            else:
                values[key] = _expand(value)
        elif key in _INT_KEYS:
            low, high = _INT_KEYS[key]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise wrong(key, f"a whole number from {low} to {high}")
            values[key] = value
        # Unknown keys are ignored: a newer version (or the user) may have written them.
    if values.get("audit_service_url") is not None and not values["audit_service_url"].startswith(
        ("http://", "https://")
    ):
        raise wrong("audit_service_url", "an http:// or https:// URL")
    return Config(**values)


def _key_line(text: str, key: str) -> int | None:
    """The line where ``key = ...`` is written at the top level, for messages."""
    import re  # only for a message: every command reads the config, few need this

    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def read_config(path: str | None = None, *, environ: Mapping[str, str] | None = None) -> Config:
    """The config, or the defaults when there is no file. Raises BadInput (an
    :class:`~venv_tui.files.Unreadable` for a file that cannot be read) for a file that cannot
    be used. Most callers want :func:`load_config`, which never raises."""
    from venv_tui import files

    path = path or config_path(environ)
    try:
        text = files.read_text(path, files.LIMIT_CONFIG)
    except files.Unreadable as err:
        if err.reason == "does not exist":
            return Config()  # no file is the usual case: the defaults, nothing to say
        raise BadInput(f"the config file cannot be read: {err.reason}", path=err.path) from None
    return parse_config(text, path)


def load_config(path: str | None = None, *, environ: Mapping[str, str] | None = None) -> Config:
    """The config; for a file that cannot be used, the defaults with :attr:`Config.warning`
    saying why (the file is left as it is). Never raises."""
    try:
        return read_config(path, environ=environ)
    except BadInput as err:
        return Config(warning=f"{err}; the defaults are used")


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
