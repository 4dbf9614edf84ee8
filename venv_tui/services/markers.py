"""Environment markers for the *target* environment's interpreter, not the app's.

``python_version``, ``python_full_version``, ``implementation_name`` and friends come from the
environment's own Python (read from ``pyvenv.cfg`` or the interpreter's path); what describes the
machine (``sys_platform``, ``os_name``, ``platform_machine``...) is the same for every interpreter
on it, so it is read from the running one.
"""

from __future__ import annotations

import os
import sys

_IMPLEMENTATION_NAMES = {
    "cpython": "CPython",
    "pypy": "PyPy",
    "graalpy": "GraalVM",
    "ironpython": "IronPython",
    "jython": "Jython",
}


_MACHINE: dict[str, str] = {}  # read once per process (functools.lru_cache costs an import)


def _machine() -> dict[str, str]:
    if _MACHINE:
        return _MACHINE
    if hasattr(os, "uname"):
        # What platform.machine()/release()/system()/version() answer on POSIX, without
        # importing platform (a sizeable part of a check's start-up).
        uname = os.uname()
        machine, release, system, version = (
            uname.machine,
            uname.release,
            uname.sysname,
            uname.version,
        )
    else:
        import platform

        machine, release = platform.machine(), platform.release()
        system, version = platform.system(), platform.version()
    _MACHINE.update({
        "os_name": os.name,
        "sys_platform": sys.platform,
        "platform_machine": machine,
        "platform_release": release,
        "platform_system": system,
        "platform_version": version,
    })
    return _MACHINE


def marker_environment(python_version: str | None, implementation: str = "cpython") -> dict[str, str]:
    """The PEP 508 marker environment of an interpreter of ``python_version`` on this machine.

    With an unknown version the running interpreter's is used: a guess, but the one ``pip`` would
    make for itself.
    """
    full = python_version or ".".join(str(p) for p in sys.version_info[:3])
    parts = full.split(".")
    short = ".".join(parts[:2])
    impl = (implementation or "cpython").lower()
    env = dict(_machine())
    env.update(
        python_version=short,
        python_full_version=full,
        implementation_name=impl,
        implementation_version=full if impl == "cpython" else "",
        platform_python_implementation=_IMPLEMENTATION_NAMES.get(impl, impl.capitalize()),
    )
    return env
