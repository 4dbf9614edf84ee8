"""The installed-set index of one floor: names, versions, requirements parsed once, and the ONE
function that decides which requirements apply there.

Conflicts (a source against a floor), consistency (``pip check``), fit and the app's
"required by" all read the floor through :func:`index_of`. A requirement applies when its marker
holds for the *floor's own* interpreter (``services/markers.py`` makes that environment) with
``extra == ""``, or with one of the extras the distribution was asked for. A line whose only
marker is ``extra == "..."`` is skipped before it is parsed when that extra is not asked for:
most extra lines never apply, and parsing is the expensive part.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from venv_tui.model import Distribution, PackageSet, record
from venv_tui.services.packages import canonical as canonical

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
# `name ; extra == "x"` with nothing else in the marker.
_ONLY_EXTRA = re.compile(r""";\s*extra\s*==\s*(['"])([^'"]*)\1\s*$""")
# The common line, "name>=1.0,<2" or "name (>=1.0)": no extras, URL or marker; read without
# packaging's parser (the specifier is still packaging's).
_SIMPLE = re.compile(
    r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*"
    r"\(?\s*((?:(?:~=|==|!=|<=|>=|<|>|===)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*)\)?\s*$"
)


# The common marker, `var op "value"` joined by `and` (or by `or`), read without packaging; any
# other shape (parentheses, extras, version-like strings compared as strings) goes to packaging.
_CLAUSE = re.compile(
    r"""\s*([a-z_]+)\s*(==|!=|<=|>=|<|>|not\s+in|in)\s*(['"])([^'"]*)\3\s*(?:(and|or)\b|$)"""
)
# `... and extra == "x"` at the end of a marker (setuptools writes `(cond) and extra == 'x'`).
_AND_EXTRA = re.compile(r"""\band\s+extra\s*==\s*(['"])([^'"]*)\1\s*$""")
_GROUP = re.compile(r"\([^()]*\)")
_OR = re.compile(r"\bor\b")
_NUMERIC = re.compile(r"^\d+(?:\.\d+)*$")
_VERSION_VARS = frozenset({"python_version", "python_full_version", "implementation_version"})
_SIMPLE_SPEC = re.compile(r"^(==|!=|<=|>=|<|>)(\d+(?:\.\d+)*)$")


def requirement_name(line: str) -> str | None:
    """The canonical name a requirement line starts with, without parsing it."""
    match = _REQ_NAME.match(line)
    return canonical(match.group(1)) if match else None


@record(frozen=True)
class Need:
    """One requirement of an installed distribution, as it applies on this floor."""

    raw: str  # the Requires-Dist value as written
    key: str  # canonical name
    name: str  # the name as written
    specifier: str  # "" for any version
    marker: bool  # it has a marker (then the text shown drops it)
    url: str | None = None


@lru_cache(maxsize=16384)
def parse_requirement(raw: str) -> Requirement | None:
    """A parsed requirement (one cache for the whole program), or None when it does not parse."""
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(raw)
    except InvalidRequirement:
        return None


@lru_cache(maxsize=4096)
def specifier_set(text: str) -> SpecifierSet | None:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


@lru_cache(maxsize=16384)
def parse_version(text: str) -> Version | None:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(text)
    except InvalidVersion:
        return None


def version_fits(specifier: str, version: str) -> bool | None:
    """Whether ``version`` is inside ``specifier`` (prereleases allowed, as ``pip check``); None
    when the installed version is not a valid version (it can then satisfy no specifier)."""
    if not specifier:
        return True
    quick = _numeric_fits(specifier, version)
    if quick is not None:
        return quick
    spec = specifier_set(specifier)
    if spec is None:
        return False
    parsed = parse_version(version)
    if parsed is None:
        return None
    return spec.contains(parsed, prereleases=True)


def _numbers(text: str, width: int) -> tuple[int, ...]:
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (width - len(parts)))


def _numeric_fits(specifier: str, version: str) -> bool | None:
    """The answer for plain release numbers on both sides (``>=1.0,<2`` against ``1.5.7``),
    which PEP 440 compares as zero-padded tuples; None when either side is anything else."""
    if not _NUMERIC.match(version):
        return None
    for clause in specifier.split(","):
        match = _SIMPLE_SPEC.match(clause.strip())
        if match is None:
            return None
        op, bound = match.groups()
        width = max(bound.count("."), version.count(".")) + 1
        have, limit = _numbers(version, width), _numbers(bound, width)
        if op == ">=":
            ok = have >= limit
        elif op == "<":
            ok = have < limit
        elif op == "==":
            ok = have == limit
        elif op == "<=":
            ok = have <= limit
        elif op == ">":
            ok = have > limit
        else:
            ok = have != limit
        if not ok:
            return False
    return True


def quick_marker(marker: str, markers: Mapping[str, str]) -> bool | None:
    """A common marker evaluated without packaging (``sys_platform == "win32"``,
    ``python_version < "3.11" and os_name == "posix"``); None when it is not that simple."""
    pos, results, joins = 0, [], []
    while pos < len(marker):
        match = _CLAUSE.match(marker, pos)
        if match is None:
            return None
        var, op, _, value, join = match.groups()
        have = markers.get(var)
        if have is None:
            return None
        op = " ".join(op.split())
        if var in _VERSION_VARS or (_NUMERIC.match(value) and _NUMERIC.match(have)):
            if not (_NUMERIC.match(value) and _NUMERIC.match(have)) or op in ("in", "not in"):
                return None
            found = _numeric_fits(f"{op}{value}", have)
            if found is None:
                return None
            results.append(found)
        elif op == "==":
            results.append(have == value)
        elif op == "!=":
            results.append(have != value)
        elif op == "in":
            results.append(have in value)
        elif op == "not in":
            results.append(have not in value)
        else:
            return None
        if join:
            joins.append(join)
        pos = match.end()
    if not results or len(joins) != len(results) - 1 or len(set(joins)) > 1:
        return None
    return any(results) if joins and joins[0] == "or" else all(results)


def marker_applies(
    req: Requirement, markers: Mapping[str, str], extras: Iterable[str] = ()
) -> bool | None:
    """THE decision: does ``req`` apply on a floor whose marker environment is ``markers``, for a
    distribution asked for with ``extras``? None when its marker cannot be evaluated (an unknown
    variable, a comparison packaging refuses)."""
    if req.marker is None:
        return True
    for extra in ("", *extras):
        try:
            if req.marker.evaluate({**markers, "extra": extra}):
                return True
        except Exception:
            return None
    return False


def applies(req: Requirement, markers: Mapping[str, str], extras: Iterable[str] = ()) -> bool:
    """:func:`marker_applies` where a marker that cannot be evaluated never applies (pip cannot
    use such a line either)."""
    return marker_applies(req, markers, extras) is True


def needs_of(
    dist: Distribution, markers: Mapping[str, str], extras: Iterable[str] = ()
) -> list[Need]:
    """The requirements of ``dist`` that apply on the floor (with ``extras`` asked for)."""
    wanted = tuple(canonical(e) for e in extras)
    out: list[Need] = []
    for raw in dist.requires:
        if ";" not in raw and "@" not in raw and "[" not in raw:
            simple = _SIMPLE.match(raw)
            if simple is not None:
                name = simple.group(1)
                spec = simple.group(2).strip().rstrip(",").replace(" ", "")
                out.append(Need(raw.strip(), canonical(name), name, spec, False))
                continue
        only_extra = _ONLY_EXTRA.search(raw)
        if only_extra is not None and canonical(only_extra.group(2)) not in wanted:
            continue  # an extra nobody asked for: not even parsed
        head, sep, marker = raw.partition(";")
        if sep and _needs_unasked_extra(marker, wanted):
            continue  # `(...) and extra == "x"` with x not asked for: false whatever the rest
        if sep and "extra" not in marker and "@" not in head and "[" not in head:
            simple = _SIMPLE.match(head)
            verdict = quick_marker(marker.strip(), markers) if simple is not None else None
            if simple is not None and verdict is not None:
                if verdict:
                    name = simple.group(1)
                    spec = simple.group(2).strip().rstrip(",").replace(" ", "")
                    out.append(Need(raw.strip(), canonical(name), name, spec, True))
                continue
        req = parse_requirement(raw)
        if req is None:
            continue  # pip cannot read it either: only this line is skipped
        if not applies(req, markers, wanted):
            continue
        out.append(
            Need(
                raw.strip(),
                canonical(req.name),
                req.name,
                str(req.specifier),
                req.marker is not None,
                req.url,
            )
        )
    return out


def _needs_unasked_extra(marker: str, wanted: tuple[str, ...]) -> bool:
    match = _AND_EXTRA.search(marker)
    if match is None or canonical(match.group(2)) in wanted:
        return False
    rest = marker[: match.start()]
    while True:  # an `or` outside parentheses would make the `and` not the top operator
        flat = _GROUP.sub("", rest)
        if flat == rest:
            break
        rest = flat
    return "(" not in rest and _OR.search(rest) is None


def needs_added_by_extra(
    dist: Distribution, extra: str, markers: Mapping[str, str]
) -> list[Need]:
    """What asking for ``dist[extra]`` adds to what ``dist`` needs anyway."""
    base = {n.raw for n in needs_of(dist, markers)}
    return [n for n in needs_of(dist, markers, (extra,)) if n.raw not in base]


class InstalledIndex:
    """One floor's installed set, indexed once: look-ups by name, the requirements that apply
    (parsed on first use), and who requires what (built on demand)."""

    __slots__ = ("_needs", "_required_by", "by_key", "markers", "packages")

    def __init__(self, packages: PackageSet, markers: Mapping[str, str] | None = None) -> None:
        if markers is None:
            from venv_tui.services.markers import marker_environment

            markers = marker_environment(packages.site.python_version, packages.site.implementation)
        self.packages = packages
        self.markers = dict(markers)
        self.by_key = {canonical(d.name): d for d in packages.distributions}
        self._needs: dict[str, list[Need]] = {}
        self._required_by: dict[str, tuple[str, ...]] | None = None

    def get(self, name: str) -> Distribution | None:
        return self.by_key.get(canonical(name))

    def needs(self, dist: Distribution) -> list[Need]:
        """What ``dist`` requires here (no extras)."""
        key = dist.metadata_path
        found = self._needs.get(key)
        if found is None:
            found = self._needs[key] = needs_of(dist, self.markers)
        return found

    def required_by_all(self) -> dict[str, tuple[str, ...]]:
        """Canonical name -> the installed distributions that require it here."""
        if self._required_by is None:
            index: dict[str, list[str]] = {}
            for dist in self.packages.distributions:
                for key in dict.fromkeys(n.key for n in self.needs(dist)):
                    index.setdefault(key, []).append(dist.name)
            self._required_by = {
                key: tuple(sorted(names, key=canonical)) for key, names in index.items()
            }
        return self._required_by

    def required_by(self, name: str) -> tuple[str, ...]:
        return self.required_by_all().get(canonical(name), ())

    def dependents(self, name: str) -> list[tuple[Distribution, Need]]:
        """The installed distributions that require ``name`` here, with that requirement."""
        key = canonical(name)
        out: list[tuple[Distribution, Need]] = []
        for dist_name in self.required_by(name):
            dist = self.get(dist_name)
            if dist is None:
                continue
            for need in self.needs(dist):
                if need.key == key:
                    out.append((dist, need))
                    break
        return out


# The last few floors' indexes, by identity: a check, a fit and the app's detail pane ask for
# the same PackageSet many times, and a PackageSet never changes once read.
_LAST: list[tuple[PackageSet, InstalledIndex]] = []


def index_of(packages: PackageSet) -> InstalledIndex:
    """The index of ``packages`` (built once per PackageSet)."""
    for known, index in list(_LAST):
        if known is packages:
            return index
    index = InstalledIndex(packages)
    _LAST[:] = [*_LAST[-7:], (packages, index)]
    return index
