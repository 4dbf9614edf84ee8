"""Two floors compared: which distributions only one holds, and which differ in version.

A pure function over two package sets; names are compared as PEP 503 normalizes them, versions
as PEP 440 reads them (``1.0`` and ``1.0.0`` are the same version).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from venv_tui.model import Distribution, PackageSet

Change = Literal["only-left", "only-right", "different", "same"]
ORDER: tuple[Change, ...] = ("only-left", "only-right", "different", "same")


@dataclass(frozen=True)
class DiffRow:
    name: str  # as the left floor spells it, else the right
    left: str | None  # the version, None when absent
    right: str | None
    change: Change


@dataclass(frozen=True)
class FloorDiff:
    left: str  # the floors' paths
    right: str
    left_python: str | None
    right_python: str | None
    rows: tuple[DiffRow, ...]  # grouped as ORDER, by name within a group

    @property
    def same(self) -> bool:
        """Both hold the same distributions at the same versions (the Python may differ)."""
        return all(r.change == "same" for r in self.rows)

    def shown(self, include_same: bool) -> tuple[DiffRow, ...]:
        return self.rows if include_same else tuple(r for r in self.rows if r.change != "same")


def diff_packages(left: PackageSet, right: PackageSet) -> FloorDiff:
    """Every distribution in either floor (their own, not what a base lends them), grouped."""
    lefts, rights = _own(left), _own(right)
    rows: list[DiffRow] = []
    for key in sorted(set(lefts) | set(rights)):
        a, b = lefts.get(key), rights.get(key)
        name = (a or b).name  # type: ignore[union-attr]
        change: Change
        if b is None:
            change = "only-left"
        elif a is None:
            change = "only-right"
        else:
            change = "same" if _same_version(a.version, b.version) else "different"
        rows.append(DiffRow(name, a.version if a else None, b.version if b else None, change))
    rows.sort(key=lambda r: (ORDER.index(r.change), canonicalize_name(r.name)))
    return FloorDiff(
        left=left.site.path,
        right=right.site.path,
        left_python=left.site.python_version,
        right_python=right.site.python_version,
        rows=tuple(rows),
    )


def _own(packages: PackageSet) -> dict[str, Distribution]:
    found: dict[str, Distribution] = {}
    for dist in packages.distributions:
        if not dist.inherited:
            found.setdefault(canonicalize_name(dist.name), dist)
    return found


def _same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b
