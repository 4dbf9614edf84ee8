"""The delete guard's part of the :class:`~venv_tui.services.Services` facade.

Kept apart so the facade module stays readable; the guard itself, and every rule it keeps, is
:mod:`venv_tui.services.actions.delete` (imported only when a delete is asked for).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from collections.abc import Mapping

    from venv_tui.model import DeletePlan


class DeleteFacade:
    """``check_deletable``, ``plan_delete`` and ``delete`` for an object with ``environ``."""

    environ: Mapping[str, str]

    def check_deletable(self, path: str) -> str:
        """The folder a delete removes whole, or Refused with the reason (a floor that shares its
        folder with other things too: :meth:`plan_delete` removes just its own entries)."""
        from venv_tui.services.actions.delete import check_deletable

        return check_deletable(path, environ=self.environ)

    def plan_delete(self, path: str) -> DeletePlan:
        """What deleting ``path`` would remove (the venv's own entries), what stays, the links
        that go with it and the tool that owns it; or Refused with the reason."""
        from venv_tui.services.actions.delete import plan_delete

        return plan_delete(path, environ=self.environ)

    def delete(self, path_or_plan: str | DeletePlan) -> None:
        """Carry out a plan from :meth:`plan_delete` (a path is planned first). The folder is
        checked again before anything goes. Raises Refused or ToolFailed."""
        from venv_tui.config import cache_dir
        from venv_tui.services.actions.delete import delete
        from venv_tui.services.distcache import forget
        from venv_tui.services.layout import venv_site_dirs

        plan = self.plan_delete(path_or_plan) if isinstance(path_or_plan, str) else path_or_plan
        sites = [folder for _, folder in venv_site_dirs(plan.folder)]  # while they are there
        delete(plan, environ=self.environ)
        forget(cache_dir(self.environ), sites)  # what was kept of its packages goes with it
