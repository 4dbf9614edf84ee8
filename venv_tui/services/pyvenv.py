"""Reading ``pyvenv.cfg``: the file that makes a folder a virtual environment.

The format is ``key = value`` lines (venv, virtualenv, uv and conda's venv-likes all write it);
unknown keys are kept, blank lines and ``#`` comments skipped, CRLF accepted. Keys are matched
case-insensitively as CPython's ``site.py`` does.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from venv_tui.errors import BadInput

PYVENV_CFG = "pyvenv.cfg"
_VERSION = re.compile(r"^\d+\.\d+(\.\d+)?")


@dataclass(frozen=True)
class PyvenvCfg:
    path: str  # the environment folder
    values: dict[str, str] = field(hash=False)

    def get(self, key: str) -> str | None:
        return self.values.get(key.lower())

    @property
    def home(self) -> str | None:
        return self.get("home")

    @property
    def version(self) -> str | None:
        """ "3.12.1" from ``version`` (venv), ``version_info`` (virtualenv, uv: "3.12.1.final.0")."""
        for key in ("version", "version_info"):
            raw = self.get(key)
            if raw:
                match = _VERSION.match(raw.strip())
                if match:
                    return match.group(0)
        return None

    @property
    def system_site_packages(self) -> bool:
        return (self.get("include-system-site-packages") or "").strip().lower() == "true"

    @property
    def prompt(self) -> str | None:
        raw = self.get("prompt")
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
            raw = self.get(key)
            if raw:
                return raw.strip()
        return None

    @property
    def creator(self) -> str:
        if self.get("uv"):
            return "uv"
        if self.get("virtualenv"):
            return "virtualenv"
        if self.get("conda") or self.get("conda_env"):
            return "conda"
        if self.get("version") or self.get("home"):
            return "venv"
        return "unknown"


def is_environment(folder: str) -> bool:
    """A folder is a virtual environment when ``pyvenv.cfg`` stands at its top."""
    return os.path.isfile(os.path.join(folder, PYVENV_CFG))


def existing_environment(env_path: str) -> str:
    """The absolute folder of the environment a user named, or BadInput saying why it is not
    one (nothing given, no such folder, no pyvenv.cfg at its top)."""
    if not env_path:
        raise BadInput("no environment was given")
    folder = os.path.abspath(os.path.expanduser(env_path))
    if not os.path.isdir(folder):
        raise BadInput("this environment folder does not exist", path=folder)
    if not is_environment(folder):
        raise BadInput("is not a virtual environment (it has no pyvenv.cfg)", path=folder)
    return folder


def parse_pyvenv_cfg(text: str, folder: str) -> PyvenvCfg:
    values: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            continue  # site.py ignores such lines too; so do we
        values[key.strip().lower()] = value.strip()
    return PyvenvCfg(path=folder, values=values)


def read_pyvenv_cfg(folder: str) -> PyvenvCfg:
    """Read ``FOLDER/pyvenv.cfg``. Raises BadInput with a plain sentence when it is missing,
    unreadable, not text, or has no ``key = value`` line at all."""
    cfg_path = os.path.join(folder, PYVENV_CFG)
    try:
        with open(cfg_path, "rb") as fh:
            data = fh.read(64 * 1024)
    except FileNotFoundError:
        raise BadInput("is not a virtual environment (it has no pyvenv.cfg)", path=folder) from None
    except IsADirectoryError:
        raise BadInput("pyvenv.cfg is a folder, not a file", path=folder) from None
    except OSError as err:
        raise BadInput(f"pyvenv.cfg cannot be read ({err.strerror})", path=folder) from None
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
