"""Pictures of the export dialog, the comparison screen and the index's marks, with fixed data
(fixed size, animations off, workers awaited). Update on purpose only:
``pytest tests/test_snapshots_index.py --snapshot-update``, then look at the new SVGs."""

from __future__ import annotations

from typing import Any

import pytest
from test_snapshots_dialogs import Host, steady
from ui_data import FLOOR, PACKAGES, demo_app

from venv_tui.model import PackageSet, Site
from venv_tui.services.diff import diff_packages
from venv_tui.ui.dialogs import ExportScreen
from venv_tui.ui.diffscreen import DiffScreen

WIDE = (100, 30)


@pytest.fixture(autouse=True)
def _still(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


def _packages(path: str, version: str) -> PackageSet:
    site = Site(path, f"{path}/bin/python", version, "cpython", (f"{path}/lib",), (), True)
    return PackageSet(site, PACKAGES[path])


def test_export_dialog(snap_compare: Any) -> None:
    dialog = ExportScreen("floor 3", "/home/user/house")
    assert snap_compare(Host(dialog), terminal_size=WIDE, run_before=steady)


def test_diff_screen(snap_compare: Any) -> None:
    diff = diff_packages(_packages(FLOOR[1], "3.12.4"), _packages(FLOOR[2], "3.11.2"))
    assert snap_compare(Host(DiffScreen(diff, "floor 1", "floor 2")), terminal_size=WIDE, run_before=steady)


async def _checked(pilot: Any) -> None:
    from screenshots import settle

    await settle(pilot)
    await pilot.press("o")
    await settle(pilot)
    pilot.app.action_panel("packages")
    pilot.app.clear_notifications()
    await settle(pilot)


def test_index_marks(snap_compare: Any) -> None:
    assert snap_compare(demo_app(), terminal_size=(120, 40), run_before=_checked)
