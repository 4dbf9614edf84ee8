"""Which indexes a floor's pip would use, read from pip's own configuration without running pip.

pip merges its configuration files in this order, a later file winning key by key: the global
files (each ``$XDG_CONFIG_DIRS`` folder's ``pip/pip.conf``, then ``/etc/pip.conf``), the user's
(``~/.pip/pip.conf``, then ``$XDG_CONFIG_HOME/pip/pip.conf``; skipped when ``PIP_CONFIG_FILE``
names a file that exists), the floor's own ``pip.conf`` in its prefix, then ``PIP_CONFIG_FILE``.
Within that, a command's section (``[install]``) beats ``[global]``, and ``PIP_*`` variables
beat every file. ``PIP_CONFIG_FILE=/dev/null`` means no file at all. A command-line option (the
user's ``--index-url``) beats all of it; callers apply those on top (:func:`with_options`).
"""

from __future__ import annotations

import configparser
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from venv_tui import files
from venv_tui.errors import BadInput

PYPI = "https://pypi.org/simple"  # pip's default index
ETC_PIP_CONF = "/etc/pip.conf"  # read after the XDG folders' files (a module value so tests can move it)
_TRUE = {"1", "true", "yes", "on", "y", "t"}
_FALSE = {"0", "false", "no", "off", "n", "f", ""}


@dataclass(frozen=True)
class IndexSettings:
    """Where packages come from, as pip would see it."""

    index_url: str = PYPI
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    files: tuple[str, ...] = ()  # the configuration files that were read, in order

    @property
    def index_urls(self) -> tuple[str, ...]:
        """Every index to ask, the main one first; none with ``--no-index``."""
        if self.no_index:
            return ()
        return tuple(dict.fromkeys((self.index_url, *self.extra_index_urls)))


def config_files(prefix: str | None, environ: Mapping[str, str]) -> list[str]:
    """pip's configuration files for a floor whose ``sys.prefix`` is ``prefix``, lowest priority
    first (existing or not)."""
    env_file = environ.get("PIP_CONFIG_FILE")
    if env_file == os.devnull:
        return []
    home = environ.get("HOME") or os.path.expanduser("~")
    found: list[str] = []
    if sys.platform != "win32":
        xdg_dirs = environ.get("XDG_CONFIG_DIRS") or "/etc/xdg"
        found += [os.path.join(d, "pip", "pip.conf") for d in xdg_dirs.split(os.pathsep) if d]
        found.append(ETC_PIP_CONF)
    if not (env_file and os.path.exists(env_file)):
        found.append(os.path.join(home, ".pip", "pip.conf"))
        config_home = environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")
        found.append(os.path.join(config_home, "pip", "pip.conf"))
    if prefix:
        found.append(os.path.join(prefix, "pip.conf"))
    if env_file:
        found.append(env_file)
    return found


def pip_settings(
    prefix: str | None,
    environ: Mapping[str, str] | None = None,
    *,
    command: str = "install",
    paths: Sequence[str] | None = None,
) -> IndexSettings:
    """The index settings pip's ``command`` would use in the floor at ``prefix``.

    A file that is missing or cannot be read is passed over, as pip does; a file that is not
    valid INI is BadInput naming it (pip refuses to run then)."""
    environ = os.environ if environ is None else environ
    merged: dict[tuple[str, str], str] = {}
    used: list[str] = []
    for path in config_files(prefix, environ) if paths is None else paths:
        try:
            text = files.read_text(path, files.LIMIT_CONFIG, errors="replace")
        except BadInput:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text, source=path)
        except configparser.Error as err:
            raise BadInput(
                f"not a valid pip configuration file ({_what(err)})", path=files.shown(path), line=_line(err)
            ) from None
        used.append(path)
        for section in parser.sections():
            for key, value in parser.items(section):
                merged[(section.lower(), _key(key))] = value
    values: dict[str, str] = {}
    for section in ("global", command):
        for (where, key), value in merged.items():
            if where == section:
                values[key] = value
    for name, value in environ.items():
        if name.startswith("PIP_") and name != "PIP_CONFIG_FILE":
            values[_key(name[4:])] = value
    return IndexSettings(
        index_url=_first(values.get("index-url")) or PYPI,
        extra_index_urls=tuple(_split(values.get("extra-index-url"))),
        find_links=tuple(_split(values.get("find-links"))),
        no_index=_flag(values.get("no-index")),
        files=tuple(used),
    )


def with_options(
    settings: IndexSettings,
    *,
    index_url: str | None = None,
    extra_index_urls: Sequence[str] = (),
    find_links: Sequence[str] = (),
    no_index: bool = False,
) -> IndexSettings:
    """Command-line options on top of the configuration, as pip applies them: a given
    ``--index-url`` replaces the configured one; extra indexes and find-links given are added
    to the configured ones (pip appends to a list option's configured value)."""
    return replace(
        settings,
        index_url=index_url or settings.index_url,
        extra_index_urls=tuple(dict.fromkeys((*settings.extra_index_urls, *extra_index_urls))),
        find_links=tuple(dict.fromkeys((*settings.find_links, *find_links))),
        no_index=no_index or settings.no_index,
    )


def floor_prefix(python: str | None, env_path: str, is_venv: bool) -> str | None:
    """The ``sys.prefix`` of a floor, from the disk: the environment folder of a venv, the folder
    above ``bin`` for a base interpreter."""
    if is_venv:
        return env_path
    if not python:
        return None
    folder = os.path.dirname(os.path.realpath(python))
    return os.path.dirname(folder) if os.path.basename(folder) in ("bin", "Scripts") else folder


def _key(name: str) -> str:
    name = name.lower().replace("_", "-")
    return name[2:] if name.startswith("--") else name


def _split(value: str | None) -> list[str]:
    return value.split() if value else []


def _first(value: str | None) -> str | None:
    parts = _split(value)
    return parts[0] if parts else None


def _flag(value: str | None) -> bool:
    if value is None:
        return False
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    # pip reads a counted option's number (PIP_NO_INDEX=2); anything else it refuses
    return word.isdigit() and int(word) > 0


def _line(err: configparser.Error) -> int | None:
    line = getattr(err, "lineno", None)
    if line is None and isinstance(err, configparser.ParsingError) and err.errors:
        line = err.errors[0][0]
    return line if isinstance(line, int) else None


def _what(err: configparser.Error) -> str:
    if isinstance(err, configparser.MissingSectionHeaderError):
        return "a setting before any [section]"
    if isinstance(err, configparser.DuplicateSectionError):
        return f"section [{err.section}] given twice"
    if isinstance(err, configparser.DuplicateOptionError):
        return f"{err.option} given twice in [{err.section}]"
    return "a line that is neither a [section] nor a key = value"
