"""Pictures of the app on the house (fixed data, fixed size, animations and blinking off,
workers awaited). The scenes are the ones ``python tests/screenshots.py`` draws.

Update on purpose only: ``pytest tests/test_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from screenshots import Scene, make_app, scenes, settle

SCENES = {scene.name: scene for scene in scenes()}


@pytest.fixture(autouse=True)
def _still(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")


@pytest.mark.parametrize("name", list(SCENES))
def test_scene(name: str, snap_compare) -> None:
    scene: Scene = SCENES[name]
    app = make_app(scene)
    assert snap_compare(app, run_before=scene.steps or settle, terminal_size=scene.size)
