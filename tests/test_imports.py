"""The service layer and the headless command line never import textual: they stay usable on
their own and fast as processes."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.services

PROBE = r"""
import importlib, pkgutil, sys
import venv_tui.services
for mod in pkgutil.walk_packages(venv_tui.services.__path__, "venv_tui.services."):
    importlib.import_module(mod.name)
import venv_tui.cli, venv_tui.report, venv_tui.config, venv_tui.model
from venv_tui.cli import main
try:
    main(sys.argv[1:])
except SystemExit:  # --help exits through argparse
    pass
leaked = sorted(m for m in sys.modules if m == "textual" or m.startswith("textual."))
sys.stderr.write("LEAKED:" + ",".join(leaked) + "\n")
"""


@pytest.mark.parametrize("argv", [["pythons", "--json"], ["envs", "--json"], ["--help"]])
def test_headless_path_imports_no_textual(argv: list[str], tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert "LEAKED:" in done.stderr, done.stderr
    leaked = done.stderr.split("LEAKED:", 1)[1].strip()
    assert leaked == "", f"textual imported by the headless path: {leaked}"


def test_the_app_module_does_import_textual(tmp_path) -> None:
    """The probe above can see textual when it is there (so its silence means something)."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, venv_tui.ui.app; print('textual' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.stdout.strip() == "True", done.stderr
