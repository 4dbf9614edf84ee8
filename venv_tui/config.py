"""Settings in ``config.toml`` under the platformdirs config folder.

Read with tomllib, written with tomli-w atomically (a temporary file in the same folder, then
``os.replace``), so a failed write leaves the previous file intact. A broken file is reported
with its line and never rewritten.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from venv_tui.errors import BadInput

APP_NAME = "venv-tui"
CONFIG_ENV = "VENV_TUI_CONFIG_DIR"  # overrides the config folder (tests, portable setups)
CACHE_ENV = "VENV_TUI_CACHE_DIR"  # overrides the cache folder


@dataclass(frozen=True)
class Config:
    roots: tuple[str, ...] = ()  # extra folders to search for environments
    envs_folder: str | None = None  # where new environments go by default
    scan_depth: int = 3  # how deep to look below the project folder and each root
    shell: str | None = None  # overrides $SHELL for "open a shell"
    interpreters: tuple[str, ...] = ()  # extra interpreter paths to list
    watch: tuple[str, ...] = field(default=())  # extra scripts/files always watched


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
_STR_KEYS = {"envs_folder", "shell"}


def _expand(value: str) -> str:
    return os.path.expanduser(os.path.expandvars(value))


def parse_config(text: str, path: str = "config.toml") -> Config:
    """A :class:`Config` from TOML text; BadInput with the line for invalid TOML or types."""
    from venv_tui import tomlread

    data = tomlread.loads(text, path=path, what="the config file")
    values: dict[str, Any] = {}

    def wrong(key: str, what: str) -> BadInput:
        return BadInput(f"'{key}' must be {what}", path=path, line=_key_line(text, key))

    for key, value in data.items():
        if key in _LIST_KEYS:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise wrong(key, "a list of strings")
            values[key] = tuple(_expand(v) for v in value)
        elif key in _STR_KEYS:
            if not isinstance(value, str):
                raise wrong(key, "a string")
            values[key] = _expand(value)
        elif key == "scan_depth":
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 20:
                raise wrong(key, "a whole number from 0 to 20")
            values[key] = value
        # Unknown keys are kept in the file (we never rewrite what we did not read) but ignored.
    return Config(**values)


def _key_line(text: str, key: str) -> int | None:
    """The line where ``key = ...`` is written at the top level, for messages."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.match(line):
            return number
    return None


def load_config(path: str | None = None, *, environ: Mapping[str, str] | None = None) -> Config:
    """The config, or the defaults when there is no file. Raises BadInput for a broken file."""
    path = path or config_path(environ)
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        return Config()
    except UnicodeDecodeError:
        raise BadInput("the config file is not UTF-8 text", path=path) from None
    except OSError as err:
        raise BadInput(f"the config file cannot be read ({err.strerror})", path=path) from None
    return parse_config(text, path)


def config_to_dict(config: Config) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(config):
        value = getattr(config, f.name)
        if value is None:
            continue  # TOML has no null: leave the key out
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


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


def save_config(config: Config, path: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """Write ``config`` atomically; return the path written.

    Keys this version does not know (written by a newer one, or by hand) are kept. A broken
    existing file is never overwritten: BadInput, as when reading it. A failed write raises
    BadInput with the reason and leaves the previous file as it was.
    """
    import tomli_w

    path = path or config_path(environ)
    data: dict[str, Any] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        text = ""
    except (OSError, UnicodeDecodeError) as err:
        raise BadInput(
            f"the config file cannot be read, so it was not rewritten ({err})", path=path
        ) from None
    if text:
        from venv_tui import tomlread

        data = {k: v for k, v in tomlread.loads(text, path=path, what="the config file").items()}
    known = {f.name for f in fields(config)}
    data = {k: v for k, v in data.items() if k not in known}
    data.update(config_to_dict(config))
    try:
        write_atomic(path, tomli_w.dumps(data).encode("utf-8"))
    except OSError as err:
        raise BadInput(f"the config file could not be written ({err.strerror or err})", path=path) from None
    return path
