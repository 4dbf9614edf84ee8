"""Pure decisions the flows make: which refusal offers a new floor, which imports must be asked
for by name, what a delete confirmation says. Tested without a pilot."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from venv_tui.errors import Refused
    from venv_tui.ui.protocol import DeletePlan
    from venv_tui.ui.state import SourceResult


def offers_new_floor(err: Refused) -> bool:
    """A refusal to change a base interpreter marked externally managed (PEP 668): the answer
    is a new floor, one key away."""
    if getattr(err, "externally_managed", False) or "ExternallyManaged" in type(err).__name__:
        return True
    return "externally managed" in str(err).lower() or "externally-managed" in str(err).lower()


def unknown_imports(result: SourceResult) -> tuple[list[str], list[str]]:
    """The failing hands of a robot split in two: requirements pip may be given, and imports
    whose distribution is unknown (never sent to pip: a name on the index may be someone
    else's). An import counts as known only when the services mapped it to a distribution."""
    if result.check is None or result.source is None:
        return [], []
    inferred = {r.text: r for r in result.source.requirements if r.inferred}
    known: list[str] = []
    unknown: list[str] = []
    for check in result.check.failures:
        module = getattr(check, "import_name", None) or getattr(check, "module", None)
        source_req = inferred.get(check.requirement)
        if module is not None and check.name:
            known.append(check.requirement)  # mapped by the services to a distribution
        elif module is not None:
            unknown.append(module)
        elif source_req is not None:
            unknown.append(source_req.name or check.requirement)
        else:
            known.append(check.requirement)
    return known, unknown


def delete_message(plan: DeletePlan) -> str:
    """What deleting does, in plain words: what goes, what stays, which links go with it."""
    lines = []
    if plan.managed_by:
        how = f": its own command is `{plan.command}`" if plan.command else ""
        lines.append(f"{plan.folder} is managed by {plan.managed_by}{how}.")
    if plan.kept:
        lines.append(
            f"Only the environment's own entries in {plan.folder} are removed "
            f"({', '.join(plan.removed) or 'its files'}); these stay: {', '.join(plan.kept)}."
        )
    else:
        lines.append(f"This removes the folder {plan.folder} and everything in it.")
    if plan.links:
        lines.append(f"Links to it are removed too: {', '.join(plan.links)}.")
    return "\n".join(lines)
