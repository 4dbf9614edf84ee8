"""What the headless commands print: the ``--json`` shapes of DESIGN.md and plain-text tables.

Pure functions from model objects to dicts and strings; keys may be added, never renamed.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from venv_tui.model import CheckResult, Environment, Fit, Interpreter, PackageSet


def _json_encoder() -> Callable[[object], str]:
    """JSON text of one value, written by the C encoder that ``json`` itself uses (made once,
    and without importing the ``json`` package where ``_json`` exists)."""
    try:
        from _json import encode_basestring, make_encoder
    except ImportError:  # an interpreter without the C accelerator
        import json

        return json.JSONEncoder(ensure_ascii=False).encode

    def default(value: object) -> object:
        raise TypeError(f"{type(value).__name__} is not JSON serializable")

    encoder = make_encoder(None, default, encode_basestring, None, ": ", ", ", False, False, True)

    def encode(value: object) -> str:
        if isinstance(value, str):
            return str(encode_basestring(value))
        return "".join(encoder(value, 0))

    return encode


_encode: Callable[[object], str] | None = None


def _encoder() -> Callable[[object], str]:
    """The JSON encoder of one value, made on first use."""
    global _encode
    if _encode is None:
        _encode = _json_encoder()
    return _encode


def dumps(data: dict[str, Any]) -> str:
    """``data`` as JSON for people and for programs: the top level indented, each item of a
    top-level list on its own line. Every piece is written by json's C encoder (``indent``
    would switch it to the pure-Python one, a large part of a big listing's time)."""
    encode = _encoder()
    lines = ["{"]
    last = len(data) - 1
    for i, (key, value) in enumerate(data.items()):
        comma = "," if i < last else ""
        if isinstance(value, Encoded) and value:
            lines.append(f"  {encode(key)}: [")
            lines.append(",\n".join("    " + item for item in value))
            lines.append(f"  ]{comma}")
        elif isinstance(value, list) and value:
            lines.append(f"  {encode(key)}: [")
            lines.append(",\n".join("    " + encode(item) for item in value))
            lines.append(f"  ]{comma}")
        else:
            lines.append(f"  {encode(key)}: {encode(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)


# -- JSON shapes ----------------------------------------------------------------------------


def pythons_json(
    interpreters: Sequence[Interpreter],
    environments: Mapping[str, Sequence[str]] | None = None,
    python3: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """``environments`` maps an interpreter's real path to the floors built on it; ``python3``
    is what ``python3`` on PATH runs (path, environment, interpreter)."""
    built = environments or {}
    return {
        "python3": dict(python3) if python3 is not None else None,
        "interpreters": [
            {
                "path": i.path,
                "version": i.version,
                "implementation": i.implementation,
                "source": i.source,
                "default": i.default,
                "shadowed_by": i.shadowed_by,
                "real_path": i.real_path,
                "environments": list(built.get(i.real_path, ())),
            }
            for i in interpreters
        ],
    }


def envs_json(
    environments: Sequence[Environment],
    inventory: Mapping[str, Mapping[str, Any]] | None = None,
    total_size: int | None = None,
) -> dict[str, Any]:
    # ``inventory``: per path, the size/last_used/note/keep keys (null/false when not known).
    known = inventory or {}
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
                "aliases": list(e.aliases),
                **_INVENTORY_DEFAULTS,
                **known.get(e.path, {}),
            }
            for e in environments
        ],
        "total_size": total_size,
    }


_INVENTORY_DEFAULTS: dict[str, Any] = {"size": None, "last_used": None, "note": None, "keep": False}


def packages_json(packages: PackageSet) -> dict[str, Any]:
    return _packages_frame(
        packages,
        [
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
    )


def _packages_frame(packages: PackageSet, rows: list[Any]) -> dict[str, Any]:
    return {
        "environment": packages.site.path,
        "python": packages.site.python_version,
        "health": packages.site.health,
        "problem": packages.site.problem,
        "packages": rows,
        "problems": package_problems(packages),
    }


def packages_dumps(packages: PackageSet) -> str:
    """``dumps(packages_json(packages))``, the same text (a test holds them equal), with each
    package's line made by one format of a template: walking a dict per package in the encoder
    is most of a 5000-package listing's output time."""
    return dumps(_packages_frame(packages, Encoded(_package_lines(packages))))


class Encoded(list[str]):
    """A top-level list whose items are JSON text already: :func:`dumps` writes them as they are."""


def _package_lines(packages: PackageSet) -> list[str]:
    text = _encoder()

    def maybe(value: str | None) -> str:
        return "null" if value is None else text(value)

    truth = {True: "true", False: "false"}
    location: dict[str, str] = {}
    template = (
        '{"name": %s, "version": %s, "location": %s, "editable": %s, "requested": %s, '
        '"inherited": %s, "editable_location": %s, "installer": %s, "problem": %s}'
    )
    lines = []
    for d in packages.distributions:
        where = location.get(d.location)
        if where is None:
            where = location[d.location] = text(d.location)
        lines.append(
            template
            % (
                text(d.name),
                text(d.version),
                where,
                truth[d.editable],
                truth[d.requested],
                truth[d.inherited],
                maybe(d.editable_location),
                maybe(d.installer),
                maybe(d.problem),
            )
        )
    return lines


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
        "health": result.health,
        "problem": result.problem,
        "requirements": [
            {
                "requirement": r.requirement or None,
                "name": r.name if r.name_known else None,
                "import": r.import_name,
                "status": r.status,
                "installed": r.installed,
                "message": r.message,
                "file": r.file,
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


def printable(text: str) -> str:
    """:func:`venv_tui.text.printable`, imported only when text is printed (not for JSON)."""
    from venv_tui.text import printable as escape

    return escape(text)


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """Columns padded to their widest cell; the last column is never padded."""
    all_rows = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(header))]
    lines = []
    for row in all_rows:
        cells = [c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def pythons_text(
    interpreters: Sequence[Interpreter],
    python3: Mapping[str, str | None] | None = None,
    environments: Mapping[str, Sequence[str]] | None = None,
) -> str:
    # ``environments``: the floors built on each interpreter, by its real path (counted here).
    built = environments or {}
    if not interpreters:
        text = "No Python interpreter found."
    else:
        rows = []
        for i in interpreters:
            mark = "*" if i.default else " "
            note = f"shadowed by {i.shadowed_by}" if i.shadowed_by else ""
            floors = str(len(built.get(i.real_path, ())))
            rows.append([mark, i.version or "?", i.implementation, i.source, floors, i.path, note])
        text = table(rows, [" ", "version", "impl", "found in", "floors", "path", ""])
        text += "\n\n* = what `python3` finds first on PATH (the first floor)."
    if python3 is not None:
        text += "\n" + python3_words(python3)
    return text


def python3_words(python3: Mapping[str, str | None]) -> str:
    """What ``python3`` runs, in one sentence."""
    path, env, base = python3.get("path"), python3.get("environment"), python3.get("interpreter")
    if not path:
        return "`python3` runs nothing here: no python3 is on PATH."
    if env:
        on = f", which runs on {base}" if base else ""
        return f"`python3` runs {path}: the environment {env} comes first on PATH{on}."
    import os

    if base and os.path.realpath(base) != os.path.realpath(path):  # a pyenv shim, a link
        return (
            f"`python3` is {path}, which runs the base interpreter {base} "
            "(no environment comes first on PATH)."
        )
    return f"`python3` runs {path}, a base interpreter (no environment comes first on PATH)."


def _health_cell(health: str, problem: str | None) -> str:
    if health == "ok":
        return "ok"
    return f"{health.upper()}: {printable(problem or '')}"


def envs_text(
    environments: Sequence[Environment],
    sizes: Mapping[str, Mapping[str, Any]] | None = None,
    total_size: int | None = None,
) -> str:
    if not environments:
        return "No virtual environment found. Give folders to search with --root DIR."
    rows = []
    for e in environments:
        lamp = "●" if e.active else " "
        path = e.path + (f" (also {', '.join(e.aliases)})" if e.aliases else "")
        row = [
            lamp,
            printable(e.name),
            e.python_version or "?",
            e.creator,
            e.source,
            _health_cell(e.health, e.problem),
            printable(path),
        ]
        if sizes is not None:
            from venv_tui.services.sizes import format_size

            size = sizes.get(e.path, {}).get("size")
            row.insert(1, format_size(size) if size is not None else "")
        rows.append(row)
    header = [" ", "name", "python", "creator", "found", "health", "path"]
    if sizes is not None:
        header.insert(1, "size")
    text = table(rows, header)
    if total_size is not None:
        from venv_tui.services.sizes import format_size

        text += f"\n\n{format_size(total_size)} in all (files hard-linked between floors counted once)."
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
        rows.append([printable(d.name), printable(d.version), flags])
    parts = [printable(head)]
    if site.problem:
        label = "BROKEN" if site.health == "broken" else "warning"
        parts.append(f"{label}: {printable(site.problem)}")
    if rows:
        parts.append(table(rows, ["name", "version", "flags"]))
    parts += [f"warning: {printable(p)}" for p in package_problems(packages)]
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
    broken = result.health == "broken"
    if broken:
        # The reason comes first: nothing below can hold while the floor cannot run.
        lines.append(f"{result.environment} cannot run: {printable(result.problem or 'it is broken')}")
    elif result.health == "stale" and result.problem:
        lines.append(f"warning: {result.environment}: {printable(result.problem)}")
    if result.target:
        lines.append(f"{result.target} in {result.environment}:")
        if result.python is not None:
            mark = _MARK.get(result.python.status, result.python.status)
            lines.append(f"  [{mark}] {result.python.message or 'Python ' + result.python.requires}")
        for r in result.requirements:
            lines.append(f"  [{_MARK[r.status]}] {printable(r.message)}")
        if not result.requirements:
            lines.append("  (no requirements declared)")
    else:
        lines.append(f"{result.environment}:")
    if result.environment_problems:
        lines.append("  The environment's own dependency problems (what `pip check` says):")
        lines += [f"  - {printable(p.message)}" for p in result.environment_problems]
    elif not result.target and not broken:
        lines.append("  No broken requirements.")
    lines.append(summary(result))
    return "\n".join(lines)


def summary(result: CheckResult) -> str:
    """The last line: what was found, counted; "All requirements are satisfied." only when
    nothing at all was."""
    unmet = len(result.failures)
    if result.python is not None and result.python.status == "wrong-version":
        unmet += 1
    own = len(result.environment_problems)
    broken = 1 if result.health == "broken" else 0
    if not (unmet or own or broken):
        return "All requirements are satisfied."
    parts = []
    if broken:
        parts.append("the environment cannot run")
    if unmet:
        parts.append(f"{unmet} requirement{'s' if unmet != 1 else ''} not met")
    if own:
        parts.append(f"{own} dependency problem{'s' if own != 1 else ''} in the environment itself")
    total = unmet + own + broken
    return f"{total} problem{'s' if total != 1 else ''} found: {', '.join(parts)}."


def fit_text(target: str, fits: Sequence[Fit]) -> str:
    if not fits:
        return f"No environment known to check {target} against. Give folders with --root DIR."
    lines = []
    if not any(f.ok for f in fits):
        lines.append(
            f"Nothing here fits {target}: make it a new floor (venv-tui create DIR, then install "
            "what it needs) rather than change a floor other robots rely on."
        )
    lines.append(f"Environments for {target}, best first:")
    for rank, f in enumerate(fits, 1):
        lines.append(f"{rank}. {'fits' if f.ok else 'does not fit'}: {f.path}")
        lines += [f"     - {printable(p)}" for p in f.problems]
    return "\n".join(lines)
