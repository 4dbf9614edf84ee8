"""Where a floor's packages live: the folders ``pip list`` of its interpreter would read.

Worked out from the disk alone (the ``lib*/python*/site-packages`` layout, the interpreter's file
name, :mod:`venv_tui.services.layout`). For a base interpreter a cached probe answer, when one
exists, is preferred: only the interpreter itself knows for sure (Debian's ``dist-packages``, a
user site, a distribution's patches); this module never spawns it. Folders added by ``.pth``
files are followed by the package reader, in the order ``site.py`` adds them.

:func:`open_site` is kept for callers that want only the site; it is the site part of the one
inspection in :mod:`venv_tui.services.inspect`.
"""

from __future__ import annotations

import os

from venv_tui.model import Health, Site
from venv_tui.services import layout


def open_site(path: str) -> Site:
    """The :class:`Site` of an environment folder, an executable inside one, or a base
    interpreter's executable. Raises BadInput for a path that is none of these."""
    from venv_tui.services.inspect import inspect_path

    return inspect_path(path).site


def venv_site(
    env: str,
    *,
    python: str | None,
    version: str | None,
    implementation: str,
    found: list[tuple[str, str]],
    system_site_packages: bool,
    base: str | None,
    home: str | None,
    health: Health,
    problem: str | None,
) -> Site:
    """The site of a venv whose facts were read by the inspection."""
    short = layout.short_version(version)
    if short and any(v == short for v, _ in found):
        # A venv upgraded in place keeps the old lib/pythonX.Y; its interpreter reads only its own.
        found = [(v, d) for v, d in found if v == short]
    own = layout.dedupe_real(d for _, d in found)
    if not own:
        # No site-packages folder at all: name the expected one, so the reader reports it missing.
        own = (layout.expected_venv_site(env, short),)
    inherited: tuple[str, ...] = ()
    if system_site_packages:
        base_dirs = _base_dirs_for_venv(home, base, short, implementation)
        own_real = {os.path.realpath(d) for d in own}
        inherited = tuple(d for d in base_dirs if os.path.realpath(d) not in own_real)
    return Site(
        path=env,
        python=python,
        python_version=version,
        implementation=implementation,
        own_dirs=own,
        inherited_dirs=inherited,
        is_venv=True,
        problem=problem,
        health=health,
    )


def _base_dirs_for_venv(
    home: str | None, base: str | None, short: str | None, implementation: str
) -> tuple[str, ...]:
    """The base interpreter's site folders, as a system-site-packages venv sees them (no user
    site: that belongs to the person, not to the interpreter)."""
    if base is not None and os.path.exists(base):
        probed = probed_dirs(base, with_user_site=False)
        if probed is not None:
            return probed[0]
        return layout.prefix_site_dirs(layout.prefix_of(base), short, implementation)
    if home:
        prefix = layout.prefix_of(os.path.join(home, "python"))
        return layout.prefix_site_dirs(prefix, short, implementation)
    return ()


def interpreter_site(
    path: str, *, version: str | None = None, implementation: str | None = None
) -> Site:
    """The site of a base interpreter's executable."""
    probed = probed_dirs(path, with_user_site=True)
    if probed is not None:
        dirs, probed_version, probed_impl = probed
        return Site(
            path=path,
            python=path,
            python_version=probed_version,
            implementation=probed_impl,
            own_dirs=dirs,
            is_venv=False,
        )
    real = os.path.realpath(path)
    if implementation is None:
        implementation = "pypy" if "pypy" in os.path.basename(real).lower() else "cpython"
    prefix = layout.prefix_of(path)
    if version is None:
        version = layout.interpreter_version(path)
    short = layout.short_version(version)
    if short is None:
        versions = layout.lib_versions(prefix)
        short = versions[0] if len(versions) == 1 else None
        version = version or short
    dirs = layout.prefix_site_dirs(prefix, short, implementation)
    if not dirs:
        dirs = (os.path.join(prefix, "lib", f"python{short or '3'}", "site-packages"),)
    return Site(
        path=path,
        python=path,
        python_version=version,
        implementation=implementation,
        own_dirs=dirs,
        is_venv=False,
    )


def probed_dirs(
    executable: str, *, with_user_site: bool
) -> tuple[tuple[str, ...], str, str] | None:
    """(site folders, version, implementation) from a cached probe answer, if there is one."""
    from venv_tui.services.discover.probe import cached_probe

    try:
        result = cached_probe(executable)
    except Exception:  # a damaged cache must not stop the listing: fall back to the layout
        return None
    if result is None:
        return None
    dirs: list[str] = []
    if with_user_site and result.user_site_enabled and result.user_site:
        dirs.append(result.user_site)  # site.py puts the user site before the others
    dirs += list(result.site_packages) or [result.purelib, result.platlib]
    existing = layout.dedupe_real(d for d in dirs if os.path.isdir(d))
    return existing, result.version, result.implementation
