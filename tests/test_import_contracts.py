"""The layers hold: import-linter's contracts (pyproject.toml) are kept, and no module grows
past 500 lines."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.services


def _lint_imports() -> str | None:
    found = shutil.which("lint-imports", path=os.path.dirname(sys.executable))
    return found or shutil.which("lint-imports")


def test_import_contracts_are_kept() -> None:
    command = _lint_imports()
    if command is None:
        pytest.skip("import-linter is not installed (it is in the test extra)")
    done = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout, done.stdout[-2000:]


def test_no_module_is_over_500_lines() -> None:
    long = []
    for folder, _dirs, files in os.walk(os.path.join(ROOT, "venv_tui")):
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8") as fh:
                    count = sum(1 for _ in fh)
                if count > 500:
                    long.append(f"{os.path.relpath(path, ROOT)}: {count} lines")
    assert not long, long
