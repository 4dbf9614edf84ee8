"""The small files of one metadata folder besides METADATA: who installed it (INSTALLER),
whether the user asked for it (REQUESTED), where an editable install's project lives
(``direct_url.json``), and an egg-info folder's ``requires.txt``. Each reader is a handful of
system calls and never raises: what cannot be read is simply not there, as pip treats it."""

from __future__ import annotations

import os

from venv_tui.files import LIMIT_RECORD, Unreadable, read_bytes, read_head

_SEP = os.sep  # joined by hand: os.path.join costs more than the read, once per package


def editable_location(info: str) -> str | None:
    """The project folder of a PEP 660 editable install, from ``direct_url.json`` (PEP 610);
    a file that does not validate counts as not editable, as pip treats it."""
    try:
        os.lstat(info + _SEP + "direct_url.json")
    except OSError:
        return None  # the common case, told by one stat (and without packaging's import)
    from venv_tui.services.directurl import direct_url_at, local_path

    direct = direct_url_at(info)
    if direct is None or direct.dir_info is None or direct.dir_info.editable is not True:
        return None
    return local_path(direct.url)


def is_there(path: str) -> bool:
    """``os.path.exists`` without its extra call (it runs once per package)."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def installer_of(info: str) -> str | None:
    try:
        data = read_head(info + _SEP + "INSTALLER", 1024)[0]
    except Unreadable:
        return None
    word = data.rstrip(b"\n")
    if word.isalnum():  # "pip", "uv": one ASCII word, the usual case
        return word.decode("ascii")
    for line in data.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return None


def egg_info_requires(info: str) -> tuple[str, ...]:
    """``requires.txt`` of an egg-info folder as Requires-Dist values, the way pip turns it
    into metadata (a ``[extra:marker]`` section becomes a marker)."""
    try:
        text = read_bytes(os.path.join(info, "requires.txt"), LIMIT_RECORD).decode("utf-8", "replace")
    except Unreadable:
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
        safe = safe_extra(extra)
        if extra and marker:
            found.append(f'{line} ; ({marker}) and extra == "{safe}"')
        elif extra:
            found.append(f'{line} ; extra == "{safe}"')
        elif marker:
            found.append(f"{line} ; {marker}")
        else:
            found.append(line)
    return tuple(found)


def safe_extra(extra: str) -> str:
    """setuptools' safe_extra: each run of characters other than letters, digits, "." and "-"
    becomes one "_", then lower case."""
    out: list[str] = []
    for c in extra:
        keep = c.isascii() and (c.isalnum() or c in ".-")
        if keep:
            out.append(c)
        elif not out or out[-1] != "_":  # no "_" is kept as it is: this one ends a run
            out.append("_")
    return "".join(out).lower()
