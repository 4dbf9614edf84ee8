"""The part of :class:`~venv_tui.services.Services` that reads a floor's packages for a caller
that shows less than everything: reading less is what makes ``check`` and ``packages --json``
short processes (a mixin, so the facade keeps one name per capability and its file stays short)."""

from __future__ import annotations

TYPE_CHECKING = False  # typing is not imported at run time: start-up stays short
if TYPE_CHECKING:
    from venv_tui.model import PackageSet, Site


class Reading:
    """Lean reads of a floor's packages: methods of the services facade."""

    if TYPE_CHECKING:
        from collections.abc import Mapping

        environ: Mapping[str, str]

        def open_site(self, path: str) -> Site: ...

    def cache_root(self) -> str:
        """The app's cache folder, where what was read of each floor's packages is kept."""
        from venv_tui.config import cache_dir

        return cache_dir(self.environ)

    def dependencies(self, path_or_site: str | Site) -> PackageSet:
        """What :meth:`packages` reads, without what only a listing shows (INSTALLER,
        REQUESTED, direct_url.json: ``installer`` None, ``requested`` and ``editable`` False)
        and of METADATA only name, version and Requires-Dist: what ``pip check`` asks."""
        from venv_tui.services.packages import read_packages

        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        return read_packages(site, details=False, cache_root=self.cache_root())

    def listing(self, path_or_site: str | Site) -> PackageSet:
        """What :meth:`packages` reads, without the fields a listing does not show (Summary,
        Requires-Dist, Requires-Python: left empty): what ``packages --json`` prints."""
        from venv_tui.services.packages import read_packages

        site = self.open_site(path_or_site) if isinstance(path_or_site, str) else path_or_site
        return read_packages(site, requirements=False, cache_root=self.cache_root())
