"""What the headless commands print: the ``--json`` shapes of DESIGN.md and plain-text tables.

Pure functions from model objects to dicts and strings; keys may be added, never renamed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from venv_tui.model import CheckResult, Environment, Fit, Interpreter, PackageSet


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


# -- JSON shapes ----------------------------------------------------------------------------


def pythons_json(interpreters: Sequence[Interpreter]) -> dict[str, Any]:
    return {
        "interpreters": [
            {
                "path": i.path,
                "version": i.version,
                "implementation": i.implementation,
                "source": i.source,
                "default": i.default,
                "shadowed_by": i.shadowed_by,
                "real_path": i.real_path,
            }
            for i in interpreters
        ]
    }


def envs_json(environments: Sequence[Environment]) -> dict[str, Any]:
    return {
        "environments": [
            {
                "path": e.path,
                "name": e.name,
                "python_version": e.python_version,
                "base_interpreter": e.base_interpreter,
                "health": e.health,
                "problem": e.problem,
                "creator": e.creator,
                "system_site_packages": e.system_site_packages,
                "active": e.active,
                "source": e.source,
            }
            for e in environments
        ]
    }


def packages_json(packages: PackageSet) -> dict[str, Any]:
    return {
        "environment": packages.site.path,
        "python": packages.site.python_version,
        "packages": [
            {
                "name": d.name,
                "version": d.version,
                "location": d.location,
                "editable": d.editable,
                "requested": d.requested,
                "inherited": d.inherited,
                "editable_location": d.editable_location,
                "installer": d.installer,
                "problem": d.problem,
            }
            for d in packages.distributions
        ],
        "problems": package_problems(packages),
    }


def package_problems(packages: PackageSet) -> list[str]:
    """Every sentence about what could not be read, or was read but is odd, in one list."""
    out = list(packages.problems)
    # Each sentence already names the metadata folder it is about.
    out += [d.problem for d in (*packages.distributions, *packages.shadowed) if d.problem]
    return out


def check_json(result: CheckResult) -> dict[str, Any]:
    return {
        "environment": result.environment,
        "target": result.target,
        "ok": result.ok,
        "requirements": [
            {
                "requirement": r.requirement or None,
                "name": r.name if r.name_known else None,
                "import": r.import_name,
                "status": r.status,
                "installed": r.installed,
                "message": r.message,
                "line": r.line,
            }
            for r in result.requirements
        ],
        "python": None
        if result.python is None
        else {
            "requires": result.python.requires,
            "actual": result.python.actual,
            "status": result.python.status,
            "message": result.python.message,
        },
        "environment_problems": [
            {
                "package": p.package,
                "version": p.version,
                "requirement": p.requirement,
                "name": p.name,
                "status": p.status,
                "installed": p.installed,
                "message": p.message,
            }
            for p in result.environment_problems
        ],
    }


def fit_json(target: str, fits: Sequence[Fit]) -> dict[str, Any]:
    return {
        "target": target,
        "environments": [{"path": f.path, "ok": f.ok, "problems": list(f.problems)} for f in fits],
    }


# -- plain text -----------------------------------------------------------------------------


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    all_rows = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(header))]
    lines = []
    for row in all_rows:
        cells = [c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def pythons_text(interpreters: Sequence[Interpreter]) -> str:
    if not interpreters:
        return "No Python interpreter found."
    rows = []
    for i in interpreters:
        mark = "*" if i.default else " "
        note = f"shadowed by {i.shadowed_by}" if i.shadowed_by else ""
        rows.append([mark, i.version or "?", i.implementation, i.source, i.path, note])
    text = table(rows, [" ", "version", "impl", "found in", "path", ""])
    return text + "\n\n* = what `python3` finds first on PATH (the first floor)."


def envs_text(environments: Sequence[Environment]) -> str:
    if not environments:
        return "No virtual environment found. Give folders to search with --root DIR."
    rows = []
    for e in environments:
        lamp = "●" if e.active else " "
        health = "ok" if e.health == "ok" else f"BROKEN: {e.problem}"
        rows.append([lamp, e.name, e.python_version or "?", e.creator, e.source, health, e.path])
    text = table(rows, [" ", "name", "python", "creator", "found", "health", "path"])
    return text + "\n\n● = the active environment (the lamp is on)."


def packages_text(packages: PackageSet) -> str:
    site = packages.site
    head = f"{site.path} (Python {site.python_version or '?'}): {len(packages.distributions)} packages"
    rows = []
    for d in packages.distributions:
        flags = ",".join(
            f
            for f, on in (("editable", d.editable), ("requested", d.requested), ("inherited", d.inherited))
            if on
        )
        rows.append([d.name, d.version, flags])
    parts = [head]
    if site.problem:
        parts.append(f"warning: {site.problem}")
    if rows:
        parts.append(table(rows, ["name", "version", "flags"]))
    parts += [f"warning: {p}" for p in package_problems(packages)]
    return "\n".join(parts)


_MARK = {
    "ok": "ok",
    "missing": "MISSING",
    "wrong-version": "WRONG",
    "extra-missing": "EXTRA",
    "not-applicable": "n/a",
    "unverifiable": "?",
}


def check_text(result: CheckResult) -> str:
    lines = []
    if result.target:
        lines.append(f"{result.target} in {result.environment}:")
        if result.python is not None:
            mark = _MARK.get(result.python.status, result.python.status)
            lines.append(f"  [{mark}] {result.python.message or 'Python ' + result.python.requires}")
        for r in result.requirements:
            lines.append(f"  [{_MARK[r.status]}] {r.message}")
        if not result.requirements:
            lines.append("  (no requirements declared)")
    else:
        lines.append(f"{result.environment}:")
    if result.environment_problems:
        lines.append("  The environment's own dependency problems (what `pip check` says):")
        lines += [f"  - {p.message}" for p in result.environment_problems]
    elif not result.target:
        lines.append("  No broken requirements.")
    lines.append("All requirements are satisfied." if result.ok else "Conflicts found.")
    return "\n".join(lines)


def fit_text(target: str, fits: Sequence[Fit]) -> str:
    if not fits:
        return f"No environment known to check {target} against. Give folders with --root DIR."
    lines = [f"Environments for {target}, best first:"]
    for rank, f in enumerate(fits, 1):
        lines.append(f"{rank}. {'fits' if f.ok else 'does not fit'}: {f.path}")
        lines += [f"     - {p}" for p in f.problems]
    return "\n".join(lines)
