"""The house state's transitions and the flows' decisions, without a pilot."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ui_data import BASE_ENV, DEFAULT_PY, ENVIRONMENTS, FLOOR, PACKAGES, SOURCES

from venv_tui.errors import Refused
from venv_tui.model import CheckResult, PackageSet, RequirementCheck, Site, SourceRequirement
from venv_tui.ui import state as S
from venv_tui.ui.decide import delete_message, offers_new_floor, unknown_imports
from venv_tui.ui.state import House, Reading, SourceResult

FLOORS = (BASE_ENV, *ENVIRONMENTS)


def _reading(path: str) -> Reading:
    site = Site(path, None, "3.12", "cpython", (path,))
    return Reading(path, PackageSet(site, PACKAGES.get(path, ())))


def _check(path: str, *failures: str) -> CheckResult:
    reqs = tuple(RequirementCheck(f, f, "missing", None, f"{f} is missing") for f in failures)
    return CheckResult(path, "robot.py", not failures, reqs)


def test_nothing_activated_lights_the_first_floor_and_says_why() -> None:
    house = S.loaded(House(), FLOORS, BASE_ENV, "default")
    assert house.lit == DEFAULT_PY and house.selected == DEFAULT_PY
    assert S.lamp_sentence(house) == "nothing activated: python3 on PATH runs this interpreter"
    venv = S.loaded(House(), FLOORS, ENVIRONMENTS[1], "virtual_env")
    assert venv.lit == FLOOR[2] and S.lamp_sentence(venv) == "lit by $VIRTUAL_ENV"


def test_lighting_a_floor_is_the_user_s_choice_and_survives_a_reload() -> None:
    house = S.loaded(House(), FLOORS, BASE_ENV)
    house = S.lit(house, FLOOR[3])
    assert house.lit == FLOOR[3] and S.lamp_sentence(house) == "lit by you (l)"
    again = S.loaded(house, FLOORS, BASE_ENV)
    assert again.lit == FLOOR[3] and again.lit_by == "user"
    assert S.lit(house, "/not/a/floor") is house


def test_a_floor_asked_for_at_start_is_lit_when_found_then_falls_back_when_gone() -> None:
    house = S.started(House(), wanted=FLOOR[1], reason="--demo")
    assert S.loaded(house, (BASE_ENV,), BASE_ENV).lit == DEFAULT_PY  # not there yet
    house = S.loaded(house, FLOORS, BASE_ENV)
    assert house.lit == FLOOR[1] and S.lamp_sentence(house) == "lit by --demo"
    assert house.wanted is None
    gone = S.loaded(house, tuple(e for e in FLOORS if e.path != FLOOR[1]), BASE_ENV)
    assert gone.lit == DEFAULT_PY and gone.lit_by == "default"
    assert gone.selected == DEFAULT_PY  # the selection was on the floor that went


def test_one_reading_per_floor_kept_only_for_the_lit_and_selected() -> None:
    house = S.loaded(House(), FLOORS, ENVIRONMENTS[0])
    assert house.wanted_reads == (FLOOR[1],)
    house = S.read(house, _reading(FLOOR[1]))
    house = S.selected(house, FLOOR[2])
    assert house.wanted_reads == (FLOOR[1], FLOOR[2])
    house = S.read(house, _reading(FLOOR[2]))
    assert set(house.readings) == {FLOOR[1], FLOOR[2]}
    # Moving on drops the reading that nobody shows: it would go stale unwatched.
    house = S.selected(house, FLOOR[3])
    assert set(house.readings) == {FLOOR[1]}
    assert S.read(house, _reading(FLOOR[2])).readings.keys() == {FLOOR[1]}
    assert S.forgotten(house, [FLOOR[1]]).readings == {}


def test_new_conflicts_are_only_those_since_the_last_check_of_the_same_floor() -> None:
    house = S.loaded(House(), FLOORS, ENVIRONMENTS[0])
    robot = SourceResult("/r/robot.py", None, _check(FLOOR[1], "A"))
    house, fresh = S.checked(house, FLOOR[1], [robot], None)
    assert fresh == [] and house.checked == FLOOR[1]  # a first look is no news
    worse = SourceResult("/r/robot.py", None, _check(FLOOR[1], "A", "B"))
    house, fresh = S.checked(house, FLOOR[1], [worse], None)
    assert fresh == ["B is missing"]
    # A check that finishes after the lamp moved is dropped.
    moved = S.lit(house, FLOOR[2])
    assert moved.conflicts is None and moved.results == ()
    stale, fresh = S.checked(moved, FLOOR[1], [worse], None)
    assert stale is moved and fresh == []


def test_a_conflict_that_appears_while_the_lamp_was_elsewhere_is_announced() -> None:
    house = S.loaded(House(), FLOORS, ENVIRONMENTS[0])
    robot = SourceResult("/r/robot.py", None, _check(FLOOR[1], "A"))
    house, fresh = S.checked(house, FLOOR[1], [robot], None)
    assert fresh == []
    # The lamp goes to floor 2 and comes back: floor 1 was seen once, so its second check is
    # compared with that one, not taken for a first look.
    house = S.lit(house, FLOOR[2])
    other = SourceResult("/r/robot.py", None, _check(FLOOR[2], "C"))
    house, fresh = S.checked(house, FLOOR[2], [other], None)
    assert fresh == []  # floor 2's own first look
    house = S.lit(house, FLOOR[1])
    worse = SourceResult("/r/robot.py", None, _check(FLOOR[1], "A", "B"))
    house, fresh = S.checked(house, FLOOR[1], [worse], None)
    assert fresh == ["B is missing"]
    # Lit by a reading of the floors (the lamp fell back and returned) works the same.
    house = S.loaded(house, tuple(e for e in FLOORS if e.path != FLOOR[1]), ENVIRONMENTS[1])
    assert house.lit == FLOOR[2]
    house = S.lit(S.loaded(house, FLOORS, ENVIRONMENTS[1]), FLOOR[1])
    house, fresh = S.checked(house, FLOOR[1], [worse], None)
    assert fresh == []  # a floor that left the house and came back is looked at afresh
    house = S.lit(house, FLOOR[3])
    house = S.lit(house, FLOOR[1])
    house, fresh = S.checked(house, FLOOR[1], [robot], None)
    assert fresh == []  # fewer conflicts: nothing new
    house = S.lit(house, FLOOR[3])
    house, fresh = S.checked(S.lit(house, FLOOR[1]), FLOOR[1], [worse], None)
    assert fresh == ["B is missing"]  # what was last seen is the check before, not the first


def test_a_deleted_floor_forgets_what_was_seen_on_it() -> None:
    house = S.loaded(House(), FLOORS, ENVIRONMENTS[0])
    robot = SourceResult("/r/robot.py", None, _check(FLOOR[2], "A"))
    house, _ = S.checked(S.lit(house, FLOOR[2]), FLOOR[2], [robot], None)
    house = S.deleted(house, FLOOR[2])
    house = S.lit(S.loaded(house, FLOORS, ENVIRONMENTS[0]), FLOOR[2])
    worse = SourceResult("/r/robot.py", None, _check(FLOOR[2], "A", "B"))
    house, fresh = S.checked(house, FLOOR[2], [worse], None)
    assert fresh == []  # a new floor at the same folder: a first look


def test_deleting_the_lit_floor_puts_the_lamp_out_until_the_next_reading() -> None:
    house = S.lit(S.loaded(House(), FLOORS, BASE_ENV), FLOOR[2])
    house = S.selected(house, FLOOR[2])
    house = S.deleted(house, FLOOR[2])
    assert house.lit is None and house.floor(FLOOR[2]) is None
    assert house.selected == DEFAULT_PY
    assert S.loaded(house, house.floors, BASE_ENV).lit == DEFAULT_PY


def test_an_import_of_unknown_origin_is_never_a_requirement_for_pip() -> None:
    path = "/r/robot.py"
    source = replace(
        SOURCES[next(iter(SOURCES))],
        requirements=(
            SourceRequirement("A>=2", "A"),
            SourceRequirement("yaml", "yaml", inferred=True),
        ),
    )
    check = CheckResult(
        FLOOR[1], path, False,
        (
            RequirementCheck("A>=2", "A", "wrong-version", "1.0.0", "A 1.0.0 is installed"),
            RequirementCheck("yaml", "yaml", "missing", None, "yaml is missing"),
        ),
    )
    known, unknown = unknown_imports(SourceResult(path, source, check))
    assert known == ["A>=2"] and unknown == ["yaml"]

    @dataclass(frozen=True)
    class Mapped:  # the services' check once an import is mapped to its distribution
        requirement: str
        name: str | None
        status: str
        installed: None
        message: str
        import_name: str

    mapped = CheckResult(FLOOR[1], path, False, (Mapped("PyYAML", "PyYAML", "missing", None, "", "yaml"),))  # type: ignore[arg-type]
    assert unknown_imports(SourceResult(path, source, mapped)) == (["PyYAML"], [])
    nameless = CheckResult(FLOOR[1], path, False, (Mapped("cv9", None, "missing", None, "", "cv9"),))  # type: ignore[arg-type]
    assert unknown_imports(SourceResult(path, source, nameless)) == ([], ["cv9"])


def test_a_pep_668_refusal_offers_a_new_floor_and_others_do_not() -> None:
    assert offers_new_floor(Refused("is externally managed: use apt", path="/usr/bin/python3"))
    assert not offers_new_floor(Refused("is a symbolic link"))


def test_delete_says_what_goes_what_stays_and_the_links() -> None:
    @dataclass(frozen=True)
    class Plan:
        folder: str
        removed: tuple[str, ...]
        kept: tuple[str, ...]
        links: tuple[str, ...]
        managed_by: str | None
        command: str | None

    plain = delete_message(Plan("/p/.venv", ("bin", "lib", "pyvenv.cfg"), (), (), None, None))
    assert plain == "This removes the folder /p/.venv and everything in it."
    mixed = delete_message(Plan("/p", ("bin", "lib", "pyvenv.cfg"), (".git", "app.py"), ("/home/u/env",), None, None))
    assert "these stay: .git, app.py" in mixed and "bin, lib, pyvenv.cfg" in mixed
    assert "Links to it are removed too: /home/u/env" in mixed
    pipx = delete_message(Plan("/x/venvs/black", ("bin",), (), (), "pipx", "pipx uninstall black"))
    assert "managed by pipx: its own command is `pipx uninstall black`" in pipx


def test_the_status_line_fits_its_width_and_never_cuts_why_the_lamp_is_lit() -> None:
    from venv_tui.ui.status import status_text

    house = S.loaded(House(), FLOORS, BASE_ENV, "default")
    results = tuple(
        SourceResult(f"/p/robot_{i}.py", None, _check(DEFAULT_PY, *fails))
        for i, fails in enumerate(((), ("A",), ("B",)))
    )
    house = replace(house, results=results)
    why = "nothing activated: python3 on PATH runs this interpreter"
    wide = status_text(house, width=200, scanning=True).plain
    assert "venv-tui" in wide and why in wide and "robots: 1 fit, 2 don't" in wide
    for width in (80, 100, 120):
        text = status_text(house, width=width, scanning=True)
        assert text.cell_len <= width, (width, text.plain)
        assert why in text.plain, (width, text.plain)
    # Something gave way at 80 columns, and in the order the module names.
    narrow = status_text(house, width=80, scanning=False).plain
    assert "venv-tui" not in narrow
