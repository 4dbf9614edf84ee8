"""What people type for ``--python``: ``3.12``, ``3.8.18``, ``python3.13``, ``pypy3``, a path, a
pyenv version name — resolved among the interpreters found, the newest patch winning. Pure over
the list it is given, except for a path, which is described from the disk."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from venv_tui.model import Interpreter
from venv_tui.services.discover.interpreters import (
    _is_executable_file,
    _under,
    describe_interpreter,
    is_interpreter_name,
    is_venv_executable,
    pyenv_root,
    sort_interpreters,
    version_key,
)

_SPEC = re.compile(
    r"^(?P<impl>python|cpython|pypy|graalpy)?[-@]?(?P<version>\d+(?:\.\d+){0,2}(?:(?:a|b|rc)\d+)?)?t?$",
    re.IGNORECASE,
)


def _is_path_spec(spec: str) -> bool:
    return os.sep in spec or bool(os.altsep and os.altsep in spec) or spec.startswith(("~", "."))


def _matches_version(have: str | None, want: str) -> bool:
    if not have:
        return False
    return have == want or have.startswith(want + ".")


def _spec_label(interpreter: Interpreter) -> str:
    version = interpreter.version or "unknown version"
    return version if interpreter.implementation == "cpython" else f"{interpreter.implementation} {version}"


def resolve_spec(
    spec: str,
    interpreters: Sequence[Interpreter],
    *,
    environ: Mapping[str, str] | None = None,
    cwd: str | None = None,
) -> Interpreter:
    """The interpreter a user means by ``spec`` (``3.12``, ``3.8.18``, ``python3.13``, ``pypy3``,
    a path, a pyenv version name), chosen among ``interpreters``: the newest patch wins, then
    the default one, then the order given. BadInput with one sentence listing what exists."""
    from venv_tui.errors import BadInput

    env = os.environ if environ is None else environ
    text = spec.strip() if isinstance(spec, str) else ""
    if not text:
        raise BadInput("no Python was named (give a version like 3.12, a name like pypy3, or a path)")
    if "\0" in text:
        raise BadInput("the Python named contains a NUL character")
    if _is_path_spec(text):
        return _interpreter_at(text, env, cwd)
    # A pyenv version name, as `pyenv versions` lists it (3.12.1, pypy3.10-7.3.12, miniconda3-latest).
    root = os.path.normpath(os.path.join(pyenv_root(env), "versions", text))
    for found in interpreters:
        if _under(found.path, root) or any(_under(n, root) for n in found.names):
            return found
    match = _SPEC.match(text)
    if match and (match.group("impl") or match.group("version")):
        impl = (match.group("impl") or "").lower()
        version = match.group("version")
        wanted = {"python": "cpython", "cpython": "cpython", "": "cpython"}.get(impl, impl)
        candidates = [
            i
            for i in interpreters
            if i.implementation == wanted and (version is None or _matches_version(i.version, version))
        ]
        if not candidates and not impl and version:
            # "3.10" with only a PyPy 3.10 around: that is still a Python 3.10.
            candidates = [i for i in interpreters if _matches_version(i.version, version)]
        if candidates:
            # sorted() is stable: default first within one version, then the order found.
            ranked = sorted(candidates, key=lambda i: not i.default)
            return max(ranked, key=lambda i: version_key(i.version))
    labels = list(dict.fromkeys(_spec_label(i) for i in sort_interpreters(interpreters)))
    listed = ", ".join(labels) if labels else "none"
    raise BadInput(f"no Python found matches '{text}'; the interpreters found are: {listed}")


def _interpreter_at(spec: str, environ: Mapping[str, str], cwd: str | None) -> Interpreter:
    """A path typed as the spec: an interpreter's executable, or a prefix folder holding one."""
    from venv_tui.errors import BadInput

    path = os.path.abspath(os.path.join(cwd or os.getcwd(), os.path.expanduser(spec)))
    if os.path.isdir(path):
        for name in ("python3", "python", "pypy3"):
            candidate = os.path.join(path, "bin", name)
            if _is_executable_file(candidate):
                path = candidate
                break
        else:
            raise BadInput("is a folder with no bin/python3 in it", path=path)
    if not os.path.lexists(path):
        raise BadInput("this interpreter does not exist", path=path)
    if is_venv_executable(path):
        raise BadInput(
            "is a virtual environment's python; name the interpreter it was made from", path=path
        )
    found = describe_interpreter(path, environ=environ, cwd=cwd)
    if found is None or not (
        is_interpreter_name(os.path.basename(path)) or is_interpreter_name(os.path.basename(found.real_path))
    ):
        raise BadInput("is not a Python interpreter", path=path)
    return found
