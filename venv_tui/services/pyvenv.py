"""Reading ``pyvenv.cfg``: the file that makes a folder a virtual environment.

The format is ``key = value`` lines (venv, virtualenv, uv and conda's venv-likes all write it);
unknown keys are kept, blank lines and ``#`` comments skipped, CRLF accepted. Keys are matched
case-insensitively as CPython's ``site.py`` does.
"""

from __future__ import annotations

import os

from venv_tui.errors import BadInput
from venv_tui.services.layout import PYVENV_CFG, is_environment, join_name

__all__ = ["PYVENV_CFG", "PyvenvCfg", "existing_environment", "is_environment", "read_pyvenv_cfg"]



def leading_version(text: str) -> str | None:
    """ "3.12.1" from "3.12.1.final.0", "3.12" from "3.12": the leading X.Y or X.Y.Z, read by
    hand (``re`` would cost every headless run its import)."""
    parts = text.split(".", 3)[:3]
    if len(parts) < 2 or not (parts[0].isdecimal() and parts[1][:1].isdecimal()):
        return None
    minor = parts[1] if parts[1].isdecimal() else _digits_at_start(parts[1])
    if len(minor) < len(parts[1]) or len(parts) == 2:
        return f"{parts[0]}.{minor}"
    patch = parts[2] if parts[2].isdecimal() else _digits_at_start(parts[2])
    return f"{parts[0]}.{minor}.{patch}" if patch else f"{parts[0]}.{minor}"


def _digits_at_start(text: str) -> str:
    end = 0
    while end < len(text) and text[end].isdecimal():
        end += 1
    return text[:end]


class PyvenvCfg:
    """The keys of one ``pyvenv.cfg`` (lower-cased) and the folder it stands in."""

    __slots__ = ("path", "values")

    def __init__(self, path: str, values: dict[str, str]) -> None:
        self.path = path  # the environment folder
        self.values = values

    def get(self, key: str) -> str | None:
        found = self.values.get(key)  # the keys asked for are mostly lower case already
        return found if found is not None else self.values.get(key.lower())

    # The properties below ask ``values`` directly: their keys are lower case, as parsing
    # stores them, and a floor's inspection asks a dozen of them.

    @property
    def home(self) -> str | None:
        return self.values.get("home")

    @property
    def version(self) -> str | None:
        """ "3.12.1" from ``version`` (venv), ``version_info`` (virtualenv, uv: "3.12.1.final.0")."""
        for key in ("version", "version_info"):
            raw = self.values.get(key)
            if raw:
                found = leading_version(raw.strip())
                if found:
                    return found
        return None

    @property
    def system_site_packages(self) -> bool:
        return (self.values.get("include-system-site-packages") or "").strip().lower() == "true"

    @property
    def prompt(self) -> str | None:
        raw = self.values.get("prompt")
        if raw is None:
            return None
        raw = raw.strip()
        # venv writes prompt = 'name' with quotes; virtualenv writes it bare.
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            raw = raw[1:-1]
        return raw or None

    @property
    def base_executable(self) -> str | None:
        """The base interpreter's executable, when the file names it (3.11+ venv, uv, virtualenv)."""
        for key in ("executable", "base-executable", "base-prefix-executable"):
            raw = self.values.get(key)
            if raw:
                return raw.strip()
        return None

    @property
    def creator(self) -> str:
        if self.values.get("uv"):
            return "uv"
        if self.values.get("virtualenv"):
            return "virtualenv"
        if self.values.get("conda") or self.values.get("conda_env"):
            return "conda"
        if self.values.get("version") or self.values.get("home"):
            return "venv"
        return "unknown"


def existing_environment(env_path: str) -> str:
    """The absolute folder of the environment a user named, or BadInput saying why it is not
    one (nothing given, no such folder, no pyvenv.cfg at its top)."""
    if not env_path:
        raise BadInput("no environment was given")
    folder = os.path.abspath(os.path.expanduser(env_path))
    try:
        st = os.stat(folder)
    except PermissionError:
        raise BadInput("cannot be reached (permission denied)", path=folder) from None
    except (OSError, ValueError):
        raise BadInput("this environment folder does not exist", path=folder) from None
    import stat

    if not stat.S_ISDIR(st.st_mode):
        raise BadInput("this environment folder does not exist", path=folder)
    if not os.access(folder, os.R_OK | os.X_OK):
        raise BadInput("cannot be read (permission denied)", path=folder)
    if not is_environment(folder):
        raise BadInput("is not a virtual environment (it has no pyvenv.cfg)", path=folder)
    return folder


def parse_pyvenv_cfg(text: str, folder: str) -> PyvenvCfg:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        key, sep, value = raw.partition("=")
        if not sep:
            continue  # no "=": site.py ignores such lines too; so do we (blank ones as well)
        key = key.strip()
        if key[:1] not in ("#", ";"):  # "#" and ";" start a comment
            values[key.lower()] = value.strip()
    return PyvenvCfg(path=folder, values=values)


def read_pyvenv_cfg(folder: str) -> PyvenvCfg:
    """Read ``FOLDER/pyvenv.cfg``. Raises BadInput with a plain sentence when it is missing,
    unreadable, not a regular file, not text, or has no ``key = value`` line at all."""
    from venv_tui.files import LIMIT_SMALL, Unreadable, read_bytes

    cfg_path = join_name(folder, PYVENV_CFG)
    try:
        data = read_bytes(cfg_path, LIMIT_SMALL)
    except Unreadable as err:
        if err.reason == "does not exist":
            raise BadInput(
                "is not a virtual environment (it has no pyvenv.cfg)", path=folder
            ) from None
        if err.reason.endswith("(a folder)"):
            raise BadInput("pyvenv.cfg is a folder, not a file", path=folder) from None
        raise BadInput(f"pyvenv.cfg cannot be read ({err.reason})", path=folder) from None
    if b"\0" in data:
        raise BadInput("pyvenv.cfg is not a text file", path=folder)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # site.py reads it in the locale's encoding; accept latin-1 rather than fail.
        text = data.decode("latin-1")
    cfg = parse_pyvenv_cfg(text, folder)
    if not cfg.values:
        raise BadInput("pyvenv.cfg is empty or has no 'key = value' line", path=folder)
    return cfg
