"""Imports of a plain script mapped to projects: the floor's own files first, then the table
compiled from real wheels (its builder's parsing checked on wheels written here), never a
guess sent to pip."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest
from conftest import pyenv_python

from venv_tui.services import story
from venv_tui.text import is_project_name

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "venv_tui" / "data" / "import_names.json"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_names_tool", ROOT / "tools" / "import_names.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the shipped table ----------------------------------------------------------------------------


def test_the_table_is_well_formed() -> None:
    data = json.loads(TABLE.read_text(encoding="utf-8"))
    modules, distributions = data["modules"], data["distributions"]
    assert len(modules) >= 100
    for module, project in modules.items():
        assert module.isidentifier(), module
        assert is_project_name(project), project
        # Each entry is backed by what that project's wheel was read to provide.
        assert module in distributions[project]["modules"], (module, project)
    for project, info in distributions.items():
        assert is_project_name(project) and info["version"] and info["modules"]
    wanted = {
        "yaml": "PyYAML",
        "PIL": "pillow",  # as the wheel's METADATA spells it
        "sklearn": "scikit-learn",
        "dateutil": "python-dateutil",
        "cv2": "opencv-python",
        "bs4": "beautifulsoup4",
        "jwt": "PyJWT",
        "Crypto": "pycryptodome",
        "attr": "attrs",
        "dotenv": "python-dotenv",
    }
    assert {m: modules.get(m) for m in wanted} == wanted
    # Namespace folders and generic names identify no single project.
    assert "google" not in modules and "tests" not in modules


def test_the_package_reads_the_table() -> None:
    from venv_tui.services.sources.imports import known_distribution

    assert known_distribution("yaml") == "PyYAML"
    assert known_distribution("no_such_module_anywhere") is None


# -- the builder's reading of wheels ----------------------------------------------------------------


def _wheel(folder: Path, name: str, files: dict[str, str], *, record: bool = True) -> str:
    """A wheel whose RECORD lists ``files`` (and its own dist-info files)."""
    path = folder / f"{name}-1.0-py3-none-any.whl"
    info = f"{name}-1.0.dist-info"
    entries = dict(files)
    entries[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    entries[f"{info}/WHEEL"] = "Wheel-Version: 1.0\n"
    if record:
        lines = [f"{p},," for p in entries] + [f"{info}/RECORD,,"]
        entries[f"{info}/RECORD"] = "\n".join(lines) + "\n"
    with zipfile.ZipFile(path, "w") as zf:
        for member, text in entries.items():
            zf.writestr(member, text)
    return str(path)


def test_record_gives_packages_modules_and_compiled_modules(tmp_path: Path) -> None:
    tool = _tool()
    wheel = _wheel(
        tmp_path,
        "Robot_Kit",
        {
            "gears/__init__.py": "",
            "gears/teeth.py": "",
            "_speedups.cpython-312-x86_64-linux-gnu.so": "",
            "lever.py": "",
            "google/cloud/kit.py": "",  # a namespace: no __init__ at its top
            "tests/__init__.py": "",
            "Robot_Kit-1.0.data/scripts/run": "",
            "robot_kit.pth": "",
            "README.txt": "",
        },
    )
    assert tool.modules_of_wheel(wheel) == {"gears", "_speedups", "lever"}
    assert tool.wheel_name_and_version(wheel) == ("Robot_Kit", "1.0")
    modules, namespaces = tool.parse_record(
        'gears/__init__.py,sha256=x,0\n"odd,name.py",,\ngoogle/a/b.py,,\nsolo.py,,\n'
    )
    assert modules == {"gears", "solo"} and namespaces == {"google"}


def test_top_level_txt_when_record_names_no_module(tmp_path: Path) -> None:
    tool = _tool()
    wheel = _wheel(tmp_path, "Old", {"Old-1.0.dist-info/top_level.txt": "oldmod\npkg/sub\ntests\n"})
    assert tool.modules_of_wheel(wheel) == {"oldmod", "pkg"}
    assert tool.parse_top_level("a\n\n b \nc/d\n1bad\n") == {"a", "b", "c"}


def test_the_first_listed_project_wins_a_module() -> None:
    tool = _tool()
    table = tool.build_table([("PyJWT", "2.0", {"jwt"}), ("python-jwt", "4.0", {"jwt", "python_jwt"})])
    assert table["modules"] == {"jwt": "PyJWT", "python_jwt": "python-jwt"}
    assert table["distributions"]["python-jwt"] == {"version": "4.0", "modules": ["jwt", "python_jwt"]}


# -- a script's imports against a real floor ------------------------------------------------------------


@pytest.fixture(scope="module")
def floor(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real environment with "Robot-Parts" installed, whose module is ``gears``."""
    root = tmp_path_factory.mktemp("imports")
    wheels = str(root / "wheels")
    story.build_wheel(wheels, "Robot-Parts", "1.0", module="gears")
    env = story.make_venv(str(root / "env"))
    story.pip_install_offline(env, wheels, ["Robot-Parts"])
    return env


def test_check_json_carries_import_and_name(
    floor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from venv_tui.cli import main

    (tmp_path / "helpers.py").write_text("")
    script = tmp_path / "robot.py"
    script.write_text(
        "import os, json\nimport yaml\nimport gears.teeth\nimport zzz_unheard_of\nimport helpers\n"
        "from PIL import Image\nimport numpy\n"
    )
    code = main(["check", str(script), "--env", floor, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    rows = [(r["import"], r["name"], r["requirement"], r["status"], r["line"]) for r in data["requirements"]]
    assert rows == [
        ("yaml", "PyYAML", "PyYAML", "missing", 2),
        ("gears", "Robot-Parts", "Robot-Parts", "ok", 3),
        ("zzz_unheard_of", None, None, "missing", 4),
        ("PIL", "pillow", "pillow", "missing", 6),
        ("numpy", "numpy", "numpy", "missing", 7),
    ]
    messages = {r["import"]: r["message"] for r in data["requirements"]}
    assert messages["yaml"] == "PyYAML is not installed, robot.py imports it as yaml"
    assert messages["zzz_unheard_of"] == (
        "nothing installed provides the module zzz_unheard_of, which robot.py imports; "
        "which project to install for it is not known"
    )


def test_an_unknown_import_is_never_a_requirement_text(floor: str, tmp_path: Path) -> None:
    from venv_tui.services import Services

    script = tmp_path / "robot.py"
    script.write_text("import zzz_unheard_of\nimport yaml\n")
    services = Services()
    packages = services.packages(floor)
    source = services.load_source(str(script), packages=packages)
    unknown, known = source.requirements
    assert (unknown.import_name, unknown.name_known, unknown.text, unknown.name) == (
        "zzz_unheard_of", False, "", ""
    )
    assert (known.import_name, known.name_known, known.text) == ("yaml", True, "PyYAML")
    check = services.check(source, packages)
    assert [(r.requirement, r.name_known) for r in check.failures] == [("", False), ("PyYAML", True)]


def test_the_floors_own_standard_library_decides(tmp_path: Path) -> None:
    old = pyenv_python("3.8")
    if old is None:
        pytest.skip("this machine has no Python 3.8")
    if sys.version_info[:2] == (3, 8):
        pytest.skip("the tests run on 3.8 themselves")
    from venv_tui.services import Services

    env = story.make_venv(str(tmp_path / "old"), old)
    script = tmp_path / "robot.py"
    # imp and distutils are the standard library of 3.8; tomllib is not (it came in 3.11).
    script.write_text("import imp\nimport distutils.core\nimport tomllib\nimport asyncio\n")
    services = Services()
    source = services.load_source(str(script), packages=services.packages(env))
    assert [r.import_name for r in source.requirements] == ["tomllib"]
    assert os.path.basename(old).startswith("python3.8")
