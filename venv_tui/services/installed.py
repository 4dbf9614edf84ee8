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

from venv_tui.model import Distribution, PackageSet, record
from venv_tui.services import reqline
from venv_tui.services.packages import canonical as canonical

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version


def requirement_name(line: str) -> str | None:
    """The canonical name a requirement line starts with, without parsing it."""
    text = line.lstrip()
    end = 0
    while end < len(text) and (text[end].isascii() and (text[end].isalnum() or text[end] in "._-")):
        end += 1
    name = text[:end]
    return canonical(name) if name and name[0].isalnum() else None


@record(frozen=True)
class Need:
    """One requirement of an installed distribution, as it applies on this floor."""

    raw: str  # the Requires-Dist value as written
    key: str  # canonical name
    name: str  # the name as written
    specifier: str  # "" for any version
    marker: bool  # it has a marker (then the text shown drops it)
    url: str | None = None


# Caches for the whole program (functools.lru_cache would import functools and collections on
# every headless run): a line, a specifier, a version parsed once. Bounded by clearing.
_PARSED: dict[str, Requirement | None] = {}
_SPECIFIERS: dict[str, SpecifierSet | None] = {}
_VERSIONS: dict[str, Version | None] = {}
_CACHE_SIZE = 16384


def _remember(cache: dict[str, object], key: str, value: object) -> None:
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


def parse_requirement(raw: str) -> Requirement | None:
    """A parsed requirement (one cache for the whole program), or None when it does not parse."""
    try:
        return _PARSED[raw]
    except KeyError:
        pass
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        found: Requirement | None = Requirement(raw)
    except InvalidRequirement:
        found = None
    _remember(_PARSED, raw, found)  # type: ignore[arg-type]
    return found


def specifier_set(text: str) -> SpecifierSet | None:
    try:
        return _SPECIFIERS[text]
    except KeyError:
        pass
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        found: SpecifierSet | None = SpecifierSet(text)
    except InvalidSpecifier:
        found = None
    _remember(_SPECIFIERS, text, found)  # type: ignore[arg-type]
    return found


def parse_version(text: str) -> Version | None:
    try:
        return _VERSIONS[text]
    except KeyError:
        pass
    from packaging.version import InvalidVersion, Version

    try:
        found: Version | None = Version(text)
    except InvalidVersion:
        found = None
    _remember(_VERSIONS, text, found)  # type: ignore[arg-type]
    return found


def version_fits(specifier: str, version: str) -> bool | None:
    """Whether ``version`` is inside ``specifier`` (prereleases allowed, as ``pip check``); None
    when the installed version is not a valid version (it can then satisfy no specifier)."""
    if not specifier:
        return True
    quick = reqline.specifier_fits(specifier, version)
    if quick is not None:
        return quick
    spec = specifier_set(specifier)
    if spec is None:
        return False
    parsed = parse_version(version)
    if parsed is None:
        return None
    return spec.contains(parsed, prereleases=True)


def quick_marker(marker: str, markers: Mapping[str, str]) -> bool | None:
    """A marker evaluated without packaging (no extra asked for); None when packaging must."""
    return reqline.marker_holds(marker, markers)


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
    """The requirements of ``dist`` that apply on the floor (with ``extras`` asked for).

    A line of the shapes installed metadata holds is read and its marker evaluated by
    :mod:`venv_tui.services.reqline` (the same answer as packaging's); a line whose marker is
    false there is dropped unparsed (most ``extra == "..."`` lines); only what that module does
    not understand is parsed by packaging."""
    wanted = tuple(canonical(e) for e in extras)
    out: list[Need] = []
    for raw in dist.requires:
        quick = reqline.split_requirement(raw)
        if quick is not None:
            name, _, spec, marker = quick
            if marker is not None:
                holds = reqline.marker_holds(marker, markers, wanted)
                if holds is False:
                    continue
                if holds is None:
                    quick = None  # packaging judges the marker
            if quick is not None:
                out.append(Need(raw.strip(), canonical(name), name, spec, marker is not None))
                continue
        elif _marker_false(raw, markers, wanted):
            continue  # e.g. `black>=20.8b0; extra == "cli"`: it applies to nobody here
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


def _marker_false(raw: str, markers: Mapping[str, str], wanted: tuple[str, ...]) -> bool:
    """A line the quick reader cannot read whole whose marker the quick evaluator finds false:
    it applies to nobody here, whatever its head holds (packaging would drop it too, or refuse
    it). Without a URL the marker is all after the first ";"; a URL holds no blank, so the
    marker of a URL line follows a blank and its last ";" when no quote comes before."""
    head, sep, marker = raw.partition(";")
    if not sep:
        return False
    if "@" in head:
        cut = raw.rfind(";")
        if raw[cut - 1] not in " \t" or "'" in raw[:cut] or '"' in raw[:cut]:
            return False
        marker = raw[cut + 1 :]
    return reqline.marker_holds(marker.strip(), markers, wanted) is False


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
