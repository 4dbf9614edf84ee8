"""Where the tools keep things: the home folder, pyenv's root, the XDG data folder.

Apart from interpreter discovery so that finding environments does not import it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping


def home_dir(environ: Mapping[str, str]) -> str:
    """``$HOME`` from ``environ`` (tests pass a fake one), else the user's home."""
    return environ.get("HOME") or os.path.expanduser("~")


def pyenv_root(environ: Mapping[str, str]) -> str:
    return environ.get("PYENV_ROOT") or os.path.join(home_dir(environ), ".pyenv")


def data_home(environ: Mapping[str, str]) -> str:
    return environ.get("XDG_DATA_HOME") or os.path.join(home_dir(environ), ".local", "share")
