"""Known vulnerabilities of what the floors hold, from OSV or from PyPI's JSON API.

pip-audit's two services, for every floor at once: each distinct (name, version) is asked about
once. OSV: ``POST {root}/v1/querybatch`` names the vulnerability ids per package, then
``GET {root}/v1/vulns/{id}`` (once per id) gives the summary, the aliases and the fixed versions.
PyPI: ``GET {root}/pypi/{name}/{version}/json`` carries a ``vulnerabilities`` list for that
release. The decisions (is this version affected, which versions fix it, which records are the
same vulnerability) are pure functions over the parsed answers; the requests are a thin edge.
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Literal

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from venv_tui.errors import VenvTuiError, shorten
from venv_tui.model import AuditReport, FloorAudit, PackageSet, Vulnerability, VulnerablePackage
from venv_tui.services.index.floors import Installed, installed, read_floors
from venv_tui.services.index.pool import Progress, gather

Service = Literal["osv", "pypi"]
SERVICE_URLS: dict[str, str] = {"osv": "https://api.osv.dev", "pypi": "https://pypi.org"}
BATCH = 1000  # OSV's limit of queries per querybatch
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
_MAX_PAGES = 20  # follow-up pages of one querybatch at most (a package with >1000 records)


class BadAnswer(VenvTuiError):
    """A server answered, but not with what its API promises."""


# -- pure decisions --------------------------------------------------------------------------


def _version(text: object) -> Version | None:
    if not isinstance(text, str):
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _entries_for(record: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    """The record's ``affected`` entries about PyPI's project ``key``."""
    found = []
    for entry in record.get("affected") or ():
        if not isinstance(entry, Mapping):
            continue
        package = entry.get("package")
        if not isinstance(package, Mapping) or package.get("ecosystem") != "PyPI":
            continue
        name = package.get("name")
        if isinstance(name, str) and canonicalize_name(name) == key:
            found.append(entry)
    return found


def _ecosystem_ranges(entry: Mapping[str, Any]) -> list[list[Mapping[str, Any]]]:
    ranges = []
    for r in entry.get("ranges") or ():
        if isinstance(r, Mapping) and r.get("type") == "ECOSYSTEM" and isinstance(r.get("events"), list):
            ranges.append([e for e in r["events"] if isinstance(e, Mapping)])
    return ranges


def in_range(events: Sequence[Mapping[str, Any]], version: Version) -> bool | None:
    """OSV's ECOSYSTEM range rule: affected from an ``introduced`` version up to (not including)
    a ``fixed`` one, or up to and including a ``last_affected`` one. None when the events cannot
    be read as PEP 440 versions."""
    points: list[tuple[Version | None, str]] = []
    for event in events:
        for kind in ("introduced", "fixed", "last_affected"):
            value = event.get(kind)
            if value is None:
                continue
            if kind == "introduced" and value == "0":
                points.append((None, kind))  # from the very first version
                continue
            parsed = _version(value)
            if parsed is None:
                return None
            points.append((parsed, kind))
    if not points:
        return None
    affected = False
    for at, kind in sorted(points, key=lambda p: (p[0] is not None, p[0] or Version("0"))):
        if kind == "introduced" and (at is None or at <= version):
            affected = True
        elif at is not None and (at <= version if kind == "fixed" else at < version):
            affected = False  # fixed at or before it, or last affected before it
    return affected


def osv_affects(record: Mapping[str, Any], key: str, version: Version) -> bool | None:
    """Whether the record says ``key`` at ``version`` is affected; None when it does not say
    (no ranges or versions for that project)."""
    verdicts: list[bool] = []
    for entry in _entries_for(record, key):
        listed = entry.get("versions")
        if isinstance(listed, list):
            if any(_version(v) == version for v in listed):
                return True
            if listed:
                verdicts.append(False)
        for events in _ecosystem_ranges(entry):
            verdict = in_range(events, version)
            if verdict:
                return True
            if verdict is not None:
                verdicts.append(False)
    return False if verdicts else None


def osv_fixed_in(record: Mapping[str, Any], key: str, version: Version) -> tuple[str, ...]:
    """The versions that fix the record for ``key``, newer than ``version``, oldest first."""
    fixes: set[Version] = set()
    for entry in _entries_for(record, key):
        for events in _ecosystem_ranges(entry):
            for event in events:
                parsed = _version(event.get("fixed"))
                if parsed is not None and parsed > version:
                    fixes.add(parsed)
    return tuple(str(v) for v in sorted(fixes))


def _summary(record: Mapping[str, Any]) -> str:
    for field in ("summary", "details"):
        text = record.get(field)
        if isinstance(text, str) and text.strip():
            return shorten(text.strip().split("\n\n", 1)[0], 300)
    return ""


def _aliases(record: Mapping[str, Any], own: str) -> tuple[str, ...]:
    raw = record.get("aliases")
    if not isinstance(raw, list):
        return ()
    return tuple(sorted({a for a in raw if isinstance(a, str) and a and a != own}))


def vulnerability_from_osv(record: Mapping[str, Any], key: str, version: Version) -> Vulnerability | None:
    """The record as one vulnerability of ``key`` at ``version``; None when it is withdrawn or its
    own ranges leave that version out (the service said so, the record decides)."""
    ident = record.get("id")
    if not isinstance(ident, str) or not ident or record.get("withdrawn"):
        return None
    if osv_affects(record, key, version) is False:
        return None
    return Vulnerability(ident, _summary(record), osv_fixed_in(record, key, version), _aliases(record, ident))


def vulnerabilities_from_pypi(data: object, version: Version) -> list[Vulnerability]:
    """The ``vulnerabilities`` of a ``/pypi/{name}/{version}/json`` answer; BadAnswer when the
    answer is not that document."""
    if not isinstance(data, Mapping) or not isinstance(data.get("info"), Mapping):
        raise BadAnswer("not a PyPI JSON document")
    raw = data.get("vulnerabilities", [])
    if not isinstance(raw, list):
        raise BadAnswer("its 'vulnerabilities' is not a list")
    found = []
    for item in raw:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str) or item.get("withdrawn"):
            continue
        fixed = item.get("fixed_in")
        fixed = fixed if isinstance(fixed, list) else []
        newer = sorted({v for v in (_version(f) for f in fixed) if v is not None and v > version})
        ident = item["id"]
        found.append(Vulnerability(ident, _summary(item), tuple(map(str, newer)), _aliases(item, ident)))
    return found


def merge_same(vulns: Iterable[Vulnerability]) -> tuple[Vulnerability, ...]:
    """One entry per vulnerability: records that share an id or an alias (PYSEC-… and GHSA-…
    for one CVE) are merged, the first by id kept, fixes and aliases joined."""
    kept: list[Vulnerability] = []
    for vuln in sorted(vulns, key=lambda v: v.id):
        names = {vuln.id, *vuln.aliases}
        for i, other in enumerate(kept):
            if names & {other.id, *other.aliases}:
                fixes = sorted({*other.fixed_in, *vuln.fixed_in}, key=Version)
                aliases = tuple(sorted((names | set(other.aliases)) - {other.id}))
                kept[i] = Vulnerability(other.id, other.summary or vuln.summary, tuple(fixes), aliases)
                break
        else:
            kept.append(vuln)
    return tuple(kept)


def parse_querybatch(data: object, count: int) -> list[tuple[list[str], str | None]]:
    """(vulnerability ids, next page token) per query of a querybatch answer."""
    if not isinstance(data, Mapping) or not isinstance(data.get("results"), list):
        raise BadAnswer("not an OSV querybatch answer")
    results = data["results"]
    if len(results) != count:
        raise BadAnswer(f"{len(results)} results for {count} queries")
    parsed = []
    for result in results:
        if not isinstance(result, Mapping):
            raise BadAnswer("a result is not an object")
        vulns = result.get("vulns") or []
        if not isinstance(vulns, list):
            raise BadAnswer("a result's 'vulns' is not a list")
        ids = []
        for vuln in vulns:
            ident = vuln.get("id") if isinstance(vuln, Mapping) else None
            if not isinstance(ident, str) or not _ID.match(ident):
                raise BadAnswer("a vulnerability id is not an id")
            ids.append(ident)
        token = result.get("next_page_token")
        parsed.append((ids, token if isinstance(token, str) and token else None))
    return parsed


# -- the requests ----------------------------------------------------------------------------

Query = tuple[str, str]  # (canonical name, version as installed)


def _answer(response: Any, host: str, what: str) -> Any:
    """The JSON of a 200 answer; BadAnswer naming the host otherwise."""
    if response.status != 200:
        raise BadAnswer(f"{host} answered HTTP {response.status} to {what}")
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError):
        raise BadAnswer(f"{host} answered {what} with something that is not JSON") from None


def _garbage(host: str, what: str, err: BadAnswer) -> BadAnswer:
    return BadAnswer(f"{host} answered {what} with something that is not what the API promises ({err})")


def osv_query(root: str, queries: Sequence[Query], *, timeout: float) -> dict[Query, list[str]]:
    """The OSV ids per query, every page of them."""
    from venv_tui.services.index import http

    url = root.rstrip("/") + "/v1/querybatch"
    host = http.host_of(url)
    ids: dict[Query, list[str]] = {q: [] for q in queries}
    for start in range(0, len(queries), BATCH):
        pending: list[tuple[Query, str | None]] = [(q, None) for q in queries[start : start + BATCH]]
        for _ in range(_MAX_PAGES):
            body = [
                {"package": {"name": name, "ecosystem": "PyPI"}, "version": version}
                | ({"page_token": token} if token else {})
                for (name, version), token in pending
            ]
            data = _answer(http.post_json(url, {"queries": body}, timeout=timeout), host, "the query")
            try:
                parsed = parse_querybatch(data, len(pending))
            except BadAnswer as err:
                raise _garbage(host, "the query", err) from None
            follow: list[tuple[Query, str | None]] = []
            for (query, _), (found, token) in zip(pending, parsed, strict=True):
                ids[query] += [i for i in found if i not in ids[query]]
                if token:
                    follow.append((query, token))
            if not follow:
                break
            pending = follow
    return ids


def osv_record(root: str, ident: str, *, timeout: float) -> Mapping[str, Any]:
    from venv_tui.services.index import http

    url = f"{root.rstrip('/')}/v1/vulns/{urllib.parse.quote(ident, safe='')}"
    host = http.host_of(url)
    data = _answer(http.get(url, timeout=timeout), host, f"the question about {ident}")
    if not isinstance(data, Mapping) or data.get("id") != ident:
        raise BadAnswer(f"{host} answered the question about {ident} with something that is not its record")
    return data


def pypi_vulnerabilities(root: str, query: Query, *, timeout: float) -> list[Vulnerability] | None:
    """The release's vulnerabilities; None when PyPI does not have that release."""
    from venv_tui.services.index import http

    name, version = query
    quoted = f"{urllib.parse.quote(name, safe='')}/{urllib.parse.quote(version, safe='')}"
    url = f"{root.rstrip('/')}/pypi/{quoted}/json"
    host = http.host_of(url)
    response = http.get(url, headers={"Accept": "application/json"}, timeout=timeout)
    if response.status == 404:
        return None
    data = _answer(response, host, f"the question about {name} {version}")
    try:
        return vulnerabilities_from_pypi(data, Version(version))
    except BadAnswer as err:
        raise _garbage(host, f"the question about {name} {version}", err) from None


def audit(
    paths: Sequence[str],
    read: Callable[[str], PackageSet],
    *,
    service: Service = "osv",
    service_url: str | None = None,
    timeout: float = 15.0,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> AuditReport:
    """The vulnerabilities of every floor in ``paths``. Never raises for the network: a service
    that cannot be reached or answers garbage is the report's ``problem``."""
    from venv_tui.services.index.http import Unreachable

    root = (service_url or SERVICE_URLS[service]).rstrip("/")
    floors = read_floors(paths, read)
    held: dict[str, list[Installed]] = {f.path: installed(f.packages) for f in floors if f.packages}
    queries = list(dict.fromkeys((i.key, i.text) for items in held.values() for i in items))
    found: dict[Query, list[Vulnerability]] = {}
    unchecked: set[Query] = set()
    problem: str | None = None
    cancelled = False
    if cancel is not None and cancel.is_set():
        return AuditReport(
            service, root, tuple(FloorAudit(f.path, (), (), f.problem) for f in floors), None, True
        )
    if service == "osv" and queries:
        try:
            ids = osv_query(root, queries, timeout=timeout)
        except (Unreachable, BadAnswer) as err:
            ids, problem = {}, str(err)
            unchecked.update(queries)
        distinct = list(dict.fromkeys(i for found_ids in ids.values() for i in found_ids))
        if progress is not None:
            progress(len(queries), len(queries) + len(distinct))
        records = gather(
            distinct,
            lambda ident: osv_record(root, ident, timeout=timeout),
            stop_on=(Unreachable, BadAnswer),
            cancel=cancel,
            progress=progress,
            done_before=len(queries),
        )
        cancelled = records.cancelled
        problem = problem or _first_problem(records.errors.values())
        for query, query_ids in ids.items():
            version = Version(query[1])
            if any(i not in records.results for i in query_ids):
                unchecked.add(query)
            made = [
                vulnerability_from_osv(records.results[i], query[0], version)
                for i in query_ids
                if i in records.results
            ]
            found[query] = [v for v in made if v is not None]
    elif queries:
        answers = gather(
            queries,
            lambda query: pypi_vulnerabilities(root, query, timeout=timeout),
            stop_on=(Unreachable, BadAnswer),
            cancel=cancel,
            progress=progress,
        )
        cancelled = answers.cancelled
        problem = _first_problem(answers.errors.values())
        unchecked.update(answers.errors, answers.skipped)
        for query, listed in answers.results.items():
            if listed is None:
                unchecked.add(query)  # not on PyPI: nothing to say about it
            else:
                found[query] = listed
    reports = []
    for floor in floors:
        packages = []
        missed = []
        for item in held.get(floor.path, ()):
            query = (item.key, item.text)
            merged = merge_same(found.get(query, ()))
            if merged:
                packages.append(VulnerablePackage(item.name, item.text, merged))
            if query in unchecked:
                missed.append(item.name)
        checked = len({item.name for item in held.get(floor.path, ())} - set(missed))
        reports.append(FloorAudit(floor.path, tuple(packages), tuple(missed), floor.problem, checked))
    return AuditReport(service, root, tuple(reports), problem, cancelled)


def _first_problem(errors: Iterable[Exception]) -> str | None:
    for err in errors:
        return str(err) if isinstance(err, VenvTuiError) else f"{type(err).__name__}: {err}"
    return None
