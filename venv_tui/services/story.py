"""The article's house, built offline: tiny wheels, three floors, three robot scripts.

Used by the tests (real environments, real pip, no network) and by ``venv-tui --demo``.
A wheel is a zip holding ``NAME-VERSION.dist-info/{METADATA,WHEEL,RECORD}`` and a module, so the
house needs nothing from the network: pip installs it with ``--no-index --find-links``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# DESIGN.md's table: package -> versions -> needs.
STORY_WHEELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("A", "1.0.0", ()),
    ("A", "1.5.7", ()),
    ("A", "2.1.0", ("B>=4",)),
    ("B", "2.1.3", ()),
    ("B", "4.1.0", ()),
)

# floor number -> what is installed on it.
STORY_FLOORS: dict[int, tuple[str, ...]] = {
    1: ("A==1.0.0", "B==2.1.3"),
    2: ("A==1.5.7",),
    3: ("A==2.1.0", "B==4.1.0"),
}

# robot script -> its hands (PEP 723 dependencies).
STORY_ROBOTS: dict[str, tuple[str, ...]] = {
    "robot_one.py": ("A<1.5", "B>=2,<3"),
    "robot_two.py": ("A>=1.5,<2",),
    "robot_three.py": ("A>=2", "B>=4"),
}


@dataclass(frozen=True)
class House:
    root: str
    wheels: str  # folder of the story's wheels
    floors: dict[int, str]  # floor number -> environment path
    robots: dict[str, str]  # script name -> script path


def _record_hash(data: bytes) -> str:
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def build_wheel(
    folder: str,
    name: str,
    version: str,
    requires: Sequence[str] = (),
    *,
    summary: str | None = None,
    requires_python: str | None = None,
    extra_metadata: Iterable[str] = (),
    module: str | None = None,
) -> str:
    """Write ``NAME-VERSION-py3-none-any.whl`` into ``folder``; return its path."""
    os.makedirs(folder, exist_ok=True)
    dist = name.replace("-", "_")
    module = module or dist.lower()
    info = f"{dist}-{version}.dist-info"
    meta = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
        f"Summary: {summary if summary is not None else f'Robot {name}, version {version}'}",
    ]
    if requires_python:
        meta.append(f"Requires-Python: {requires_python}")
    meta += [f"Requires-Dist: {r}" for r in requires]
    meta += list(extra_metadata)
    files: dict[str, bytes] = {
        f"{module}/__init__.py": f'__version__ = "{version}"\n'.encode(),
        f"{info}/METADATA": ("\n".join(meta) + "\n").encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: venv-tui story\n"
        b"Root-Is-Purelib: true\nTag: py2.py3-none-any\n",
        f"{info}/top_level.txt": f"{module}\n".encode(),
    }
    record = [f"{path},{_record_hash(data)},{len(data)}" for path, data in files.items()]
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = os.path.join(folder, f"{dist}-{version}-py2.py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in files.items():
            # A fixed date keeps the wheel's bytes the same on every build.
            zi = zipfile.ZipInfo(member, date_time=(2020, 1, 1, 0, 0, 0))
            zf.writestr(zi, data)
    return path


def build_story_wheels(folder: str) -> str:
    for name, version, needs in STORY_WHEELS:
        build_wheel(folder, name, version, needs)
    return folder


def robot_script(needs: Sequence[str], *, requires_python: str | None = None) -> str:
    """A robot script with a PEP 723 block."""
    lines = ["# /// script"]
    if requires_python:
        lines.append(f'# requires-python = "{requires_python}"')
    lines.append("# dependencies = [")
    lines += [f'#   "{n}",' for n in needs]
    lines += ["# ]", "# ///", "", "import a", "", 'print("robot at work with A", a.__version__)', ""]
    return "\n".join(lines)


def clean_pip_env() -> dict[str, str]:
    """The environment for an offline pip: no index, no user config, no stray find-links."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_CONFIG_FILE=os.devnull,
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.pop("PYTHONHOME", None)
    env.pop("VIRTUAL_ENV", None)
    return env


def env_python(env_path: str) -> str:
    if os.name == "nt":
        return os.path.join(env_path, "Scripts", "python.exe")
    return os.path.join(env_path, "bin", "python")


def make_venv(path: str, python: str | None = None, *options: str) -> str:
    """``python -m venv --without-pip PATH``: about 60 ms."""
    subprocess.run(
        [python or sys.executable, "-m", "venv", "--without-pip", *options, path],
        check=True,
        env=clean_pip_env(),
        capture_output=True,
    )
    return path


def pip_install_offline(env_path: str, wheels: str, requirements: Sequence[str]) -> None:
    """Install from ``wheels`` only, with the running interpreter's pip (``pip --python``)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            env_python(env_path),
            "install",
            "--no-index",
            "--find-links",
            wheels,
            "--no-deps",
            "--quiet",
            *requirements,
        ],
        check=True,
        env=clean_pip_env(),
        capture_output=True,
    )


def build_house(root: str, python: str | None = None) -> House:
    """Build DESIGN.md's house under ``root``: wheels, three floors, three robot scripts.
    Raises BadInput when ``root`` cannot be a folder (a file stands in its way)."""
    _make_folder(root)
    wheels = build_story_wheels(os.path.join(root, "wheels"))
    floors: dict[int, str] = {}
    for number, installed in STORY_FLOORS.items():
        path = os.path.join(root, f"floor-{number}")
        make_venv(path, python, "--prompt", f"floor {number}")
        pip_install_offline(path, wheels, installed)
        floors[number] = path
    robots: dict[str, str] = {}
    scripts = os.path.join(root, "robots")
    os.makedirs(scripts, exist_ok=True)
    for name, needs in STORY_ROBOTS.items():
        target = os.path.join(scripts, name)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(robot_script(needs))
        robots[name] = target
    return House(root=root, wheels=wheels, floors=floors, robots=robots)


def _make_folder(root: str) -> None:
    """``root`` and its parents as folders, or one sentence naming what stands in the way."""
    from venv_tui.errors import BadInput
    from venv_tui.files import os_reason, shown

    folder = os.path.abspath(root)
    while not os.path.lexists(folder) and os.path.dirname(folder) != folder:
        folder = os.path.dirname(folder)
    if os.path.lexists(folder) and not os.path.isdir(folder):
        raise BadInput(f"{shown(folder)} is not a folder, so the house cannot be built in it")
    try:
        os.makedirs(root, exist_ok=True)
    except OSError as err:
        raise BadInput(f"the folder {shown(root)} cannot be made ({os_reason(err)})") from None
