"""The house as the app sees it: one frozen object, changed only by the pure functions below.

Workers read the disk and post messages; the main screen turns each message into one
transition (``loaded``, ``lit``, ``read``, ``checked``, ``deleted``, ...) and renders the panels
from the result. Nothing here touches Textual or the disk, so every rule (where the lamp falls
when its floor goes, which conflicts are new, which floors stay read) is tested without a pilot.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from venv_tui.model import (
    AuditReport,
    CheckResult,
    Environment,
    FloorAudit,
    FloorOutdated,
    Interpreter,
    OutdatedReport,
    PackageSet,
    RequirementSource,
    Vulnerability,
)

# Why the lamp is lit where it is: said on screen at all times.
LampReason = Literal["virtual_env", "user", "default", "start"]


@dataclass(frozen=True)
class SourceResult:
    """One watched source checked against the lit floor: its fit, or why it could not be read."""

    path: str
    source: RequirementSource | None
    check: CheckResult | None
    error: str | None = None  # the sentence when the source could not be read

    @property
    def name(self) -> str:
        return os.path.basename(self.path.rstrip(os.sep)) or self.path

    @property
    def fits(self) -> bool:
        return self.error is None and self.check is not None and self.check.ok


@dataclass(frozen=True)
class Reading:
    """One read of a floor's packages, shared by the packages panel and the checks. The
    required-by index is built with it, in the worker, never on the UI thread."""

    path: str
    packages: PackageSet | None
    error: str | None = None
    required_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rows: Sequence[Any] | None = None  # the packages panel's cells, made in the worker


@dataclass(frozen=True)
class FloorIndex:
    """What the index said about one floor, by canonical distribution name: the newest version
    it could install, the known vulnerabilities of what it holds."""

    outdated: Mapping[str, str] = field(default_factory=dict)
    vulnerable: Mapping[str, tuple[Vulnerability, ...]] = field(default_factory=dict)
    cached_at: float | None = None  # the oldest cached answer used (epoch seconds)
    problem: str | None = None  # the floor could not be read, or nothing on it was checked

    @property
    def counts(self) -> tuple[int, int]:
        return len(self.outdated), len(self.vulnerable)


@dataclass(frozen=True)
class House:
    interpreters: tuple[Interpreter, ...] = ()
    default: Interpreter | None = None
    floors: tuple[Environment, ...] = ()
    floors_known: bool = False
    lit: str | None = None  # the floor whose lamp is on
    lit_by: LampReason = "default"
    start_reason: str = ""  # what lit the lamp at start ("--demo"), when lit_by == "start"
    wanted: str | None = None  # a floor asked for (start-up, a new floor) until it is found
    wanted_by: LampReason = "user"
    selected: str | None = None  # the floor under the cursor: its packages are shown
    sources: tuple[str, ...] = ()
    sources_known: bool = False
    results: tuple[SourceResult, ...] = ()
    env_check: CheckResult | None = None
    checked: str | None = None  # the floor the results were computed on
    # The conflicts seen at the last check of each floor, kept while the lamp goes elsewhere:
    # a conflict that appears between two checks of a floor is news, however the lamp moved.
    seen: Mapping[str, frozenset[str]] = field(default_factory=dict)
    readings: Mapping[str, Reading] = field(default_factory=dict)
    index: Mapping[str, FloorIndex] = field(default_factory=dict)  # asked for by the user only
    index_progress: str | None = None  # the running index check's progress; None: none runs
    compare_from: str | None = None  # the floor marked to be compared with another
    sizes: Mapping[str, int] = field(default_factory=dict)  # bytes per floor, filled after paint
    used: Mapping[str, float] = field(default_factory=dict)  # last use per floor (epoch seconds)
    notes: Mapping[str, str] = field(default_factory=dict)  # the user's one-line note per floor
    kept: frozenset[str] = frozenset()  # floors marked to keep (never offered for clean-up)
    found: tuple[str, frozenset[str]] | None = None  # "where is X": the spec, the floors holding it
    marked: frozenset[str] = frozenset()  # floors marked for clean-up (space)
    order: str = "found"  # how the floors panel orders the floors (one of ORDERS)

    # -- queries ---------------------------------------------------------------------------

    def floor(self, path: str | None) -> Environment | None:
        return next((e for e in self.floors if e.path == path), None)

    @property
    def lit_floor(self) -> Environment | None:
        return self.floor(self.lit)

    @property
    def selected_floor(self) -> Environment | None:
        return self.floor(self.selected)

    @property
    def conflicts(self) -> frozenset[str] | None:
        """The conflicts of the results shown (None: the lit floor is not checked yet)."""
        return self.seen.get(self.checked) if self.checked is not None else None

    def reading(self, path: str | None) -> Reading | None:
        return self.readings.get(path) if path is not None else None

    def result(self, path: str | None) -> SourceResult | None:
        return next((r for r in self.results if r.path == path), None)

    def floor_index(self, path: str | None) -> FloorIndex | None:
        return self.index.get(path) if path is not None else None

    @property
    def wanted_reads(self) -> tuple[str, ...]:
        """The floors whose packages must be in hand: the lit one and the selected one."""
        return tuple(dict.fromkeys(p for p in (self.lit, self.selected) if p is not None))


# -- pure helpers ----------------------------------------------------------------------------


def same_path(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return False
    return os.path.normcase(os.path.abspath(a)) == os.path.normcase(os.path.abspath(b))


def _real(path: str) -> str:
    return os.path.normcase(os.path.realpath(path))


def lamp_sentence(house: House) -> str:
    """Why the lamp is where it is, in the words shown on screen."""
    floor = house.lit_floor
    if floor is None:
        return "no lamp lit"
    if house.lit_by == "virtual_env":
        return "lit by $VIRTUAL_ENV"
    if house.lit_by == "user":
        return "lit by you (l)"
    if house.lit_by == "start":
        return f"lit by {house.start_reason or 'the command line'}"
    if not floor.is_venv:
        return "nothing activated: python3 on PATH runs this interpreter"
    return "nothing activated: python3 on PATH runs this floor"


def new_conflicts(before: frozenset[str] | set[str] | None, after: set[str]) -> list[str]:
    """Conflict sentences that were not there before (None before: a first look, none new)."""
    if before is None:
        return []
    return sorted(after - before)


def conflict_sentences(results: Sequence[SourceResult], env_check: CheckResult | None) -> set[str]:
    sentences: set[str] = set()
    for result in results:
        if result.check is not None:
            sentences.update(r.message for r in result.check.failures)
            python = result.check.python
            if python is not None and python.status == "wrong-version":
                sentences.add(python.message or f"{result.name} needs Python {python.requires}")
    problems = env_check.environment_problems if env_check is not None else ()
    sentences.update(p.message or f"{p.package} {p.version} requires {p.requirement}" for p in problems)
    return sentences


def pick_interpreter(
    interpreters: Sequence[Interpreter], requires_python: str | None, default: str | None = None
) -> str | None:
    """The interpreter a new floor for a script should use: the default one when it satisfies
    ``requires_python``, else the newest that does, else the default."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    usable = [i for i in interpreters if i.version and not i.shadowed_by]
    if not requires_python:
        return default or (usable[0].path if usable else None)
    try:
        spec = SpecifierSet(requires_python)
    except InvalidSpecifier:
        return default
    fitting = [i for i in usable if spec.contains(i.version or "", prereleases=True)]
    for interp in fitting:
        if interp.default or interp.path == default:
            return interp.path
    if not fitting:
        return default

    def version_key(interp: Interpreter) -> tuple[int, ...]:
        return tuple(int(p) if p.isdigit() else 0 for p in (interp.version or "0").split("."))

    return max(fitting, key=version_key).path


def _keep_readings(house: House) -> House:
    """Only the lit and the selected floor stay read: the rest would go stale unwatched."""
    keep = set(house.wanted_reads)
    if set(house.readings) <= keep:
        return house
    return replace(house, readings={p: r for p, r in house.readings.items() if p in keep})


# -- transitions -----------------------------------------------------------------------------


def started(house: House, *, wanted: str | None, reason: str = "") -> House:
    """The app opens: a floor asked for on the command line (the demo's floor 1) is lit once
    it is found."""
    return replace(house, wanted=wanted, wanted_by="start", start_reason=reason)


def interpreters_loaded(
    house: House, interpreters: Sequence[Interpreter], default: Interpreter | None
) -> House:
    return replace(house, interpreters=tuple(interpreters), default=default)


def loaded(
    house: House,
    floors: Sequence[Environment],
    active: Environment | None,
    active_reason: LampReason = "default",
) -> House:
    """The floors were read again. The lamp stays where it was while its floor exists; a floor
    asked for is lit when found; otherwise the lamp falls back to what is active outside."""
    floors = tuple(floors)
    known = {e.path for e in floors}
    lit, lit_by, wanted = house.lit, house.lit_by, house.wanted
    if wanted is not None:
        match = next((e for e in floors if _real(e.path) == _real(wanted)), None)
        if match is not None:
            lit, lit_by, wanted = match.path, house.wanted_by, None
    if lit not in known:
        lit = active.path if active is not None and active.path in known else None
        lit_by = active_reason
    selected = house.selected
    if selected not in known:
        selected = lit or (floors[0].path if floors else None)
    changed_lamp = lit != house.lit
    new = replace(
        house,
        floors=floors,
        floors_known=True,
        lit=lit,
        lit_by=lit_by,
        wanted=wanted,
        selected=selected,
        checked=None if changed_lamp else house.checked,
        # A floor that left the house and came back is another floor: a first look again.
        seen={p: c for p, c in house.seen.items() if p in known},
        readings={p: r for p, r in house.readings.items() if p in known},
    )
    return _keep_readings(new)


def lit(house: House, path: str, reason: LampReason = "user") -> House:
    """The lamp is switched on at ``path`` (the user pressed l). What was seen on each floor
    stays: the next check of ``path`` is news only against its own last check."""
    if house.floor(path) is None:
        return house
    if path == house.lit:
        return replace(house, lit_by=reason)
    return _keep_readings(replace(house, lit=path, lit_by=reason, checked=None, results=()))


def wanted(house: House, path: str) -> House:
    """Light ``path`` as soon as a reading of the floors finds it (a floor just created)."""
    return replace(house, wanted=path, wanted_by="user")


def selected(house: House, path: str | None) -> House:
    if path == house.selected or (path is not None and house.floor(path) is None):
        return house
    return _keep_readings(replace(house, selected=path))


def read(house: House, reading: Reading) -> House:
    """A floor's packages were read. Kept only while that floor is lit or selected."""
    if reading.path not in house.wanted_reads:
        return house
    return replace(house, readings={**house.readings, reading.path: reading})


def forgotten(house: House, paths: Sequence[str]) -> House:
    """These floors changed on disk: their readings are stale."""
    if not any(p in house.readings for p in paths):
        return house
    return replace(house, readings={p: r for p, r in house.readings.items() if p not in paths})


def sources_found(house: House, paths: Sequence[str]) -> House:
    return replace(house, sources=tuple(paths), sources_known=True)


def checked(
    house: House,
    path: str,
    results: Sequence[SourceResult],
    env_check: CheckResult | None,
) -> tuple[House, list[str]]:
    """The robots were checked on ``path``. Returns the new state and the conflicts that were
    not there at the last check of the same floor (to notify), wherever the lamp was between.

    A first look is the first check of a floor since the app found it: what is wrong there was
    not caused while the user watched, so it is shown in the robots panel, not announced. After
    that, every check of the floor is compared with its previous one, even when the lamp went
    to other floors in between (a floor can change unwatched; coming back to it must tell)."""
    if path != house.lit:
        return house, []
    sentences = frozenset(conflict_sentences(results, env_check))
    fresh = new_conflicts(house.seen.get(path), set(sentences))
    return (
        replace(
            house,
            results=tuple(results),
            env_check=env_check,
            checked=path,
            seen={**house.seen, path: sentences},
        ),
        fresh,
    )


def deleted(house: House, path: str) -> House:
    """A floor was deleted through the app: gone now, and the lamp falls back if it was there."""
    floors = tuple(e for e in house.floors if e.path != path)
    new = replace(
        house,
        floors=floors,
        readings={p: r for p, r in house.readings.items() if p != path},
        index={p: i for p, i in house.index.items() if p != path},
        compare_from=None if house.compare_from == path else house.compare_from,
        wanted=None if same_path(house.wanted, path) else house.wanted,
        seen={p: c for p, c in house.seen.items() if p != path},
    )
    if house.lit == path:
        new = replace(new, lit=None, checked=None, results=(), env_check=None)
    if house.selected == path:
        new = replace(new, selected=new.lit or (floors[0].path if floors else None))
    return new


# -- the index (outdated, vulnerable) and comparing ----------------------------------------


def _canonical(name: str) -> str:
    from packaging.utils import canonicalize_name

    return canonicalize_name(name)


def index_started(house: House) -> House:
    return replace(house, index_progress="asking the index…")


def index_progressed(house: House, phase: str, done: int, total: int) -> House:
    """``phase`` ("outdated", "vulnerable") has ``done`` of ``total`` answers."""
    if house.index_progress is None:
        return house  # a late report of a check that was stopped
    return replace(house, index_progress=f"{phase} {done}/{total}")


def index_finished(house: House) -> House:
    return replace(house, index_progress=None)


def _nothing_checked(floor: FloorOutdated | FloorAudit, problem: str | None) -> str | None:
    """Why a floor of which nothing got an answer is "not checked", never "up to date"."""
    if floor.unchecked and not floor.checked:
        return problem or "the server knows none of its releases"
    return None


def outdated_found(house: House, report: OutdatedReport) -> House:
    """Newer versions per floor: each floor's marks replace its earlier ones (a cancelled check
    keeps what it had for the floors it did not reach)."""
    index = dict(house.index)
    for floor in report.floors:
        old = index.get(floor.environment, FloorIndex())
        index[floor.environment] = replace(
            old,
            outdated={_canonical(p.name): p.latest for p in floor.packages},
            cached_at=floor.cached_at,
            problem=floor.problem or _nothing_checked(floor, report.problem),
        )
    return replace(house, index=index)


def audited(house: House, report: AuditReport) -> House:
    """Known vulnerabilities per floor, replacing the floor's earlier ones."""
    index = dict(house.index)
    for floor in report.floors:
        old = index.get(floor.environment, FloorIndex())
        index[floor.environment] = replace(
            old,
            vulnerable={_canonical(p.name): p.vulnerabilities for p in floor.packages},
            problem=old.problem or floor.problem or _nothing_checked(floor, report.problem),
        )
    return replace(house, index=index)


def compare_marked(house: House, path: str | None) -> House:
    """``path`` is the left side of the next comparison (None: no floor is marked)."""
    if path is not None and house.floor(path) is None:
        return house
    return replace(house, compare_from=path)


def fixed(house: House, path: str, name: str) -> House:
    """A package was upgraded through a fix: its marks on that floor go (the next check says
    what holds now)."""
    floor = house.index.get(path)
    key = _canonical(name)
    if floor is None or (key not in floor.outdated and key not in floor.vulnerable):
        return house
    new = replace(
        floor,
        outdated={k: v for k, v in floor.outdated.items() if k != key},
        vulnerable={k: v for k, v in floor.vulnerable.items() if k != key},
    )
    return replace(house, index={**house.index, path: new})


# -- the inventory: sizes, last use, notes and keep marks, where a package is ---------------


def sized(house: House, sizes: Mapping[str, int], used: Mapping[str, float | None]) -> House:
    """Sizes and last uses measured by a worker after the first paint (added to what is known)."""
    return replace(
        house,
        sizes={**house.sizes, **sizes},
        used={**house.used, **{p: t for p, t in used.items() if t is not None}},
    )


def marks_loaded(house: House, notes: Mapping[str, str], kept: Sequence[str]) -> House:
    """The app's state file was read: every floor's note and keep mark."""
    return replace(house, notes=dict(notes), kept=frozenset(kept))


def noted(house: House, path: str, note: str | None) -> House:
    notes = {p: n for p, n in house.notes.items() if p != path}
    if note:
        notes[path] = note
    return replace(house, notes=notes)


def kept_marked(house: House, path: str, keep: bool) -> House:
    return replace(house, kept=house.kept | {path} if keep else house.kept - {path})


def where_found(house: House, spec: str | None, paths: Sequence[str] = ()) -> House:
    """The floors holding what ``spec`` asks for are marked (None: the marks go)."""
    return replace(house, found=None if spec is None else (spec, frozenset(paths)))

