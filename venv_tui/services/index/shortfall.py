"""What was left unchecked by an index or a vulnerability service, said once for the CLI and
the app. Nothing checked is a failed check, never a clean bill: "nothing outdated" or "no known
vulnerabilities" is only true of what was asked about and answered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from venv_tui.model import AuditReport, FloorAudit, FloorOutdated, OutdatedReport

SERVICE_NAMES = {"osv": "OSV", "pypi": "PyPI"}


@dataclass(frozen=True)
class Shortfall:
    nothing: bool  # not one distribution was checked: the check failed
    sentence: str  # the service, how much was left, and why


def _shortfall(
    floors: Sequence[FloorAudit] | Sequence[FloorOutdated], problem: str | None, who: str, unknown: str
) -> Shortfall | None:
    read = [f for f in floors if f.problem is None]  # a floor that cannot be read is said apart
    missed = sum(len(f.unchecked) for f in read)
    if not missed:
        return None
    checked = sum(f.checked for f in read)
    reason = problem or unknown
    if not checked:
        return Shortfall(True, f"nothing was checked against {who}: {reason}")
    return Shortfall(False, f"{missed} of {missed + checked} not checked against {who}: {reason}")


def audit_shortfall(report: AuditReport) -> Shortfall | None:
    """None when the service answered about every distribution of every floor read."""
    name = SERVICE_NAMES.get(report.service, report.service)
    who = f"{name} ({report.service_url})"
    return _shortfall(report.floors, report.problem, who, "it has no record of these releases")


def outdated_shortfall(report: OutdatedReport) -> Shortfall | None:
    """None when an index (or a cached answer) spoke about every distribution of every floor."""
    urls = list(
        dict.fromkeys(
            u for f in report.floors if f.unchecked for u in (f.index, *f.extra_index_urls) if u
        )
    )
    who = f"the index{'es' if len(urls) > 1 else ''} {', '.join(urls)}" if urls else "the index"
    return _shortfall(report.floors, report.problem, who, "it gave no answer")
