"""Outdated and vulnerable packages, asked for by the user: the transitions and decisions
without a pilot, then the pilot on fixed data (a check of one floor and of every floor, the
marks and counts, the index down with cached answers, stopping a check, a fix that asks first)."""

from __future__ import annotations

import asyncio

from ui_data import ATTIC, FLOOR, INDEX_DOWN, FakeServices, demo_app, wait_readers

from venv_tui.model import (
    AuditReport,
    FloorAudit,
    FloorOutdated,
    OutdatedPackage,
    OutdatedReport,
    Vulnerability,
    VulnerablePackage,
)
from venv_tui.ui import state as S
from venv_tui.ui.decide import cached_words, fix_version, index_options, index_words
from venv_tui.ui.marks import floor_count, package_marks
from venv_tui.ui.panels.base import Table

SIZE = (120, 40)
GHSA = Vulnerability("GHSA-1", "a door left open", ("1.5.7", "1.4.2"), ())


# -- pure ------------------------------------------------------------------------------------


def _reports() -> tuple[OutdatedReport, AuditReport]:
    outdated = OutdatedReport(
        (FloorOutdated("/f", (OutdatedPackage("Robot_Tools", "1.0", "2.0"),), cached_at=5.0),)
    )
    audit = AuditReport("osv", "u", (FloorAudit("/f", (VulnerablePackage("A", "1.0.0", (GHSA,)),)),))
    return outdated, audit


def test_reports_become_marks_per_floor_by_canonical_name() -> None:
    outdated, audit = _reports()
    house = S.audited(S.outdated_found(S.House(), outdated), audit)
    index = house.floor_index("/f")
    assert index is not None
    assert dict(index.outdated) == {"robot-tools": "2.0"} and set(index.vulnerable) == {"a"}
    assert index.counts == (1, 1) and index.cached_at == 5.0
    # A later check of the floor replaces what it said before.
    house = S.outdated_found(house, OutdatedReport((FloorOutdated("/f", ()),)))
    assert house.index["/f"].counts == (0, 1)
    assert S.fixed(house, "/f", "A").index["/f"].counts == (0, 0)


def test_a_floor_of_which_nothing_was_checked_is_not_up_to_date() -> None:
    from venv_tui.services.index.shortfall import audit_shortfall

    down = "127.0.0.1 cannot be reached: connection refused"
    outdated = OutdatedReport((FloorOutdated("/f", (), unchecked=("A", "B")),), problem=down)
    audit = AuditReport("osv", "http://127.0.0.1:9", (FloorAudit("/f", (), ("A", "B")),), problem=down)
    house = S.audited(S.outdated_found(S.House(), outdated), audit)
    assert index_words(house.index["/f"]) == "not checked" and house.index["/f"].problem == down
    gap = audit_shortfall(audit)
    assert gap is not None and gap.nothing
    assert gap.sentence == f"nothing was checked against OSV (http://127.0.0.1:9): {down}"
    # One answer is enough for the floor's count to stand (the rest is said as not checked).
    partial = AuditReport("osv", "u", (FloorAudit("/f", (), ("B",), checked=1),), problem=down)
    assert S.audited(S.House(), partial).index["/f"].problem is None
    gap = audit_shortfall(partial)
    assert gap is not None and not gap.nothing and gap.sentence.startswith("1 of 2 not checked")


def test_progress_is_kept_only_while_a_check_runs() -> None:
    house = S.index_progressed(S.House(), "outdated", 1, 2)
    assert house.index_progress is None  # a late report of a stopped check
    house = S.index_progressed(S.index_started(S.House()), "outdated", 1, 2)
    assert house.index_progress == "outdated 1/2"
    assert S.index_finished(house).index_progress is None


def test_the_fix_is_the_newest_unless_an_older_version_is_needed_to_be_safe() -> None:
    assert fix_version("1.0.0", "2.1.0") == "2.1.0"
    assert fix_version("1.0.0", "2.1.0", (GHSA,)) == "2.1.0"
    # The newest the floor can install is older than the fix: the fix (pip will say if it cannot).
    assert fix_version("1.0.0", "1.2", (GHSA,)) == "1.4.2"
    assert fix_version("1.0.0", None, (GHSA,)) == "1.4.2"
    assert fix_version("1.0.0", None, (Vulnerability("X", "", (), ()),)) is None
    assert fix_version("2.1.0", "2.1.0") is None


def test_words_and_marks_read_without_colour() -> None:
    outdated, audit = _reports()
    index = S.audited(S.outdated_found(S.House(), outdated), audit).index["/f"]
    assert index_words(index) == "1 outdated, 1 vulnerable"
    assert index_words(S.FloorIndex()) == "up to date"
    assert floor_count(index).plain == "V1 ↑1"
    marks = package_marks(index)
    assert marks["a"][0].plain == "V"
    assert "GHSA-1: a door left open (fixed in 1.5.7, 1.4.2)" in marks["a"][1].plain
    assert marks["robot-tools"][0].plain == "↑" and "2.0" in marks["robot-tools"][1].plain
    assert cached_words(None) == ""
    assert cached_words(3600.0, now=3600.0).startswith("cached ")
    assert index_options(["--no-index", "--find-links", "/w"]) == (("/w",), True)
    assert index_options([]) == ((), False)


# -- the pilot -------------------------------------------------------------------------------


async def settle(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause()
        await wait_readers(pilot.app)
    await pilot.pause()


def notes(app, severity: str | None = None) -> list[str]:
    return [n.message for n in app._notifications if severity is None or n.severity == severity]


def cells(app, table_id: str, key: str) -> list[str]:
    table = app.query_one(table_id, Table)
    return [str(c) for c in table.get_row(key)]


async def test_o_checks_the_floor_and_marks_its_packages() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert ("outdated", (FLOOR[1],)) in services.calls and ("audit", (FLOOR[1],)) in services.calls
        assert app.house.index[FLOOR[1]].counts == (2, 1)
        assert cells(app, "#environments-table", FLOOR[1])[4].endswith("V1 ↑2")
        assert "index: 2 outdated, 1 vulnerable" in str(app.query_one("#environment-note").render())
        table = app.query_one("#packages-table", Table)
        flags = {str(table.get_row_at(i)[0]): str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert flags == {"A": "R V ↑", "B": "R ↑"}
        assert "2 outdated, 1 vulnerable on floor 1" in notes(app)
        app.action_panel("packages")
        await pilot.pause()
        detail = str(app.query_one("#package-detail").render())
        assert "GHSA-robo-0001: A opens every door (fixed in 1.5.7)" in detail
        assert "newest on the index: 2.1.0" in detail


async def test_all_floors_are_asked_at_once_and_counted_each() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("O")
        await settle(pilot)
        asked = next(c[1] for c in services.calls if c[0] == "outdated")
        assert ATTIC not in asked and FLOOR[3] in asked  # a broken floor cannot be read
        assert cells(app, "#environments-table", FLOOR[2])[4].endswith("↑1")
        assert cells(app, "#environments-table", FLOOR[3])[4] == "ok"  # nothing newer: no mark


async def test_the_index_down_is_one_sentence_and_cached_answers_say_when() -> None:
    services = FakeServices()
    services.index_down = True
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        warnings = notes(app, "warning")
        assert len(warnings) == 1 and warnings[0].startswith(INDEX_DOWN + "; showing answers cached ")
        assert "cached " in str(app.query_one("#environment-note").render())
        assert app.house.index[FLOOR[1]].counts == (2, 1)


async def test_x_stops_a_check_and_nothing_waits_for_the_network() -> None:
    import threading

    services = FakeServices()
    services.hold_index = threading.Event()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        for _ in range(100):
            if services.hold_index.is_set():
                break
            await asyncio.sleep(0.02)
        assert services.hold_index.is_set()
        await pilot.pause()
        assert "index: outdated 1/1 (x stops)" in str(app.query_one("#environments").border_subtitle)
        # The house still moves while the index is asked.
        await pilot.press("down")
        await pilot.press("x")
        await asyncio.wait_for(settle(pilot), timeout=5)
        assert app.house.index_progress is None
        assert any(m.startswith("Stopped: ") for m in notes(app, "warning"))
        assert not [c for c in services.calls if c[0] == "audit"]
        assert "x stops" not in str(app.query_one("#environments").border_subtitle)


async def test_fix_asks_first_then_upgrades_to_the_safe_version() -> None:
    services = FakeServices()
    app = demo_app(services=services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.action_panel("packages")
        await pilot.pause()
        await pilot.press("F")
        await settle(pilot)
        assert any("Ask the index about floor 1 first" in m for m in notes(app))
        await pilot.press("o")  # o is a floors key: back there, then to the packages
        app.action_panel("environments")
        await pilot.press("o")
        await settle(pilot)
        app.action_panel("packages")
        await pilot.pause()
        await pilot.press("F")
        await settle(pilot)
        assert type(app.screen).__name__ == "ConfirmScreen"
        message = str(app.screen.query_one("#message").render())
        assert "A 2.1.0" in message and "GHSA-robo-0001" in message and "(now 1.0.0)" in message
        await pilot.press("n")
        await settle(pilot)
        assert not [c for c in services.calls if c[0] == "pip"]
        await pilot.press("F")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert ("pip", FLOOR[1], "upgrade", "A==2.1.0") in services.calls
        assert "a" not in app.house.index[FLOOR[1]].vulnerable
