"""diff: two real floors compared, as a pure function and through the CLI."""

from __future__ import annotations

import json

import pytest

from venv_tui.cli import main
from venv_tui.services import Services, story
from venv_tui.services.diff import diff_packages

pytestmark = pytest.mark.services


def test_floors_compared(house: story.House) -> None:
    services = Services()
    one, two = services.packages(house.floors[1]), services.packages(house.floors[2])
    diff = diff_packages(one, two)
    assert [(r.name, r.left, r.right, r.change) for r in diff.rows] == [
        ("B", "2.1.3", None, "only-left"),
        ("A", "1.0.0", "1.5.7", "different"),
    ]
    assert not diff.same
    back = diff_packages(two, one)
    assert [(r.name, r.change) for r in back.rows] == [("B", "only-right"), ("A", "different")]
    same = diff_packages(one, services.packages(house.floors[1]))
    assert same.same and [r.change for r in same.rows] == ["same", "same"]
    assert same.shown(False) == ()


def test_equal_versions_spelled_differently_are_the_same(make_venv, story_wheels: str, tmp_path) -> None:
    wheels = str(tmp_path / "w")
    story.build_wheel(wheels, "Arm", "1.0")
    left, right = make_venv("left"), make_venv("right")
    story.pip_install_offline(left, wheels, ["Arm==1.0"])
    other = str(tmp_path / "w2")
    story.build_wheel(other, "ARM", "1.0.0")
    story.pip_install_offline(right, other, ["ARM==1.0.0"])
    services = Services()
    diff = diff_packages(services.packages(left), services.packages(right))
    assert [(r.left, r.right, r.change) for r in diff.rows] == [("1.0", "1.0.0", "same")]


def test_diff_cli(house: story.House, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", house.floors[1], house.floors[3], "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["left"] == house.floors[1] and data["right"] == house.floors[3]
    assert data["python"]["left"] == data["python"]["right"] and data["python"]["left"]
    assert data["packages"] == [
        {"name": "A", "left": "1.0.0", "right": "2.1.0", "change": "different"},
        {"name": "B", "left": "2.1.3", "right": "4.1.0", "change": "different"},
    ]
    assert main(["diff", house.floors[2], house.floors[2]]) == 0
    text = capsys.readouterr().out
    assert "Both hold the same distributions." in text and "Python" in text
    assert main(["diff", house.floors[2], house.floors[2], "--all", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["packages"] == [
        {"name": "A", "left": "1.5.7", "right": "1.5.7", "change": "same"}
    ]


def test_diff_names_a_missing_floor(house: story.House, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", house.floors[1], str(tmp_path / "nowhere")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_python_versions_in_the_header(house: story.House, other_interpreter: str, make_venv) -> None:
    other = make_venv("other", other_interpreter)
    story.pip_install_offline(other, house.wheels, ["A==1.5.7"])
    services = Services()
    diff = diff_packages(services.packages(house.floors[2]), services.packages(other))
    assert diff.same and diff.left_python != diff.right_python
