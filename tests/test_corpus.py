"""A corpus of bad inputs, each with the sentence a user should read.

Whole-input problems make the headless CLI exit 2 with one line on stderr; a problem with one
entry among many (one broken environment, one malformed METADATA) is reported inside the
normal output while the rest is still listed. No case may print a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from venv_tui.cli import main
from venv_tui.services import story

PY = f"python{sys.version_info[0]}.{sys.version_info[1]}"


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes]  # relative path -> content (str is written as UTF-8)
    argv: tuple[str, ...]  # "{tmp}" and "{env}" are filled in
    code: int
    stderr: tuple[str, ...] = ()  # fragments expected on stderr
    check: Callable[[str, Path], None] | None = field(default=None, compare=False)


@pytest.fixture(scope="module")
def plain_env(tmp_path_factory: pytest.TempPathFactory) -> str:
    """An environment holding A 1.0.0, the one every source case is checked against."""
    root = tmp_path_factory.mktemp("corpus-env")
    wheels = story.build_story_wheels(str(root / "wheels"))
    env = story.make_venv(str(root / "env"))
    story.pip_install_offline(env, wheels, ["A==1.0.0"])
    return env


def check_source(name: str) -> tuple[str, ...]:
    return ("check", "{tmp}/" + name, "--env", "{env}")


SOURCE_CASES = [
    # -- PEP 723 blocks --------------------------------------------------------------------
    Case(
        "pep723-unclosed",
        {"robot.py": 'import os\n# /// script\n# dependencies = ["A"]\n'},
        check_source("robot.py"),
        2,
        ("robot.py, line 2:", "no closing '# ///' line"),
    ),
    Case(
        "pep723-two-blocks",
        {
            "robot.py": '# /// script\n# dependencies = ["A"]\n# ///\n\n# /// script\n# dependencies = []\n# ///\n'
        },
        check_source("robot.py"),
        2,
        ("two '# /// script' blocks (lines 1 and 5)",),
    ),
    Case(
        "pep723-invalid-toml",
        {"robot.py": 'print(1)\n# /// script\n# dependencies = ["A"\n# ///\n'},
        check_source("robot.py"),
        2,
        ("robot.py, line 4:", "not valid TOML"),
    ),
    Case(
        "pep723-dependencies-not-a-list",
        {"robot.py": '# /// script\n# dependencies = "A"\n# ///\n'},
        check_source("robot.py"),
        2,
        ("robot.py, line 2:", "'dependencies' must be a list of strings"),
    ),
    Case(
        "pep723-non-string-entry",
        {"robot.py": '# /// script\n# dependencies = ["A", 3]\n# ///\n'},
        check_source("robot.py"),
        2,
        ("line 2", "entry 2 of 'dependencies' is not a string"),
    ),
    Case(
        "pep723-requires-python-not-a-string",
        {"robot.py": "# /// script\n# requires-python = 3.12\n# ///\n"},
        check_source("robot.py"),
        2,
        ("'requires-python' must be a string",),
    ),
    Case(
        "pep723-invalid-requirement",
        {"robot.py": '# /// script\n# dependencies = [\n#   "A",\n#   "B>>2",\n# ]\n# ///\n'},
        check_source("robot.py"),
        2,
        ("robot.py, line 4:", "'B>>2' is not a valid requirement"),
    ),
    Case(
        "pep723-invalid-requires-python",
        {"robot.py": '# /// script\n# requires-python = ">>3.8"\n# ///\n'},
        check_source("robot.py"),
        2,
        (">>3.8",),
    ),
    Case(
        "script-syntax-error-without-block",
        {"robot.py": "import a\n\ndef broken(:\n    pass\n"},
        check_source("robot.py"),
        2,
        ("robot.py, line 3:",),
    ),
    Case(
        "script-not-utf8",
        {"robot.py": b"# caf\xe9\nimport a\n"},
        check_source("robot.py"),
        2,
        ("robot.py", "UTF-8"),
    ),
    # -- requirements files -----------------------------------------------------------------
    Case(
        "req-invalid-specifier",
        {"requirements.txt": "A>=1\n# comment\nB>>2\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 3:", "'B>>2' is not a valid requirement"),
    ),
    Case(
        "req-bad-marker",
        {"requirements.txt": 'A; python_version <> "3"\n'},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 1:", "not a valid"),
    ),
    Case(
        "req-unknown-option",
        {"requirements.txt": "A\n--frobnicate\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 2:", "unknown option '--frobnicate'"),
    ),
    Case(
        "req-very-long-invalid-line",
        {"requirements.txt": "A" + ">=1" * 5000 + "\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 1:", "…' is not a valid requirement"),
    ),
    Case(
        "req-very-long-valid-line",
        {"requirements.txt": "A" + ",".join(f"!=0.{i}" for i in range(2000)) + "\n"},
        check_source("requirements.txt"),
        0,
    ),
    Case(
        "req-include-cycle",
        {"requirements.txt": "-r more.txt\n", "more.txt": "A\n-r requirements.txt\n"},
        check_source("requirements.txt"),
        2,
        ("more.txt, line 2:", "cycle"),
    ),
    Case(
        "req-missing-include",
        {"requirements.txt": "A\n-r nothere.txt\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 2:", "nothere.txt does not exist"),
    ),
    Case(
        "req-include-outside-the-folder",  # pip allows it, so do we
        {"sub/requirements.txt": "-r ../base.txt\n", "base.txt": "A>=1\n"},
        check_source("sub/requirements.txt"),
        0,
    ),
    Case(
        "req-not-utf8",
        {"requirements.txt": b"\xff\xfeA\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 1:", "not UTF-8"),
    ),
    Case(
        "req-editable-without-path",
        {"requirements.txt": "-e\n"},
        check_source("requirements.txt"),
        2,
        ("requirements.txt, line 1:",),
    ),
    Case(
        "req-hashes-and-continuations-are-fine",
        {"requirements.txt": "A==1.0.0 \\\n    --hash=sha256:" + "0" * 64 + "\n"},
        check_source("requirements.txt"),
        0,
    ),
    Case(
        "req-empty-file-is-fine",
        {"requirements.txt": ""},
        check_source("requirements.txt"),
        0,
    ),
    # -- pyproject.toml ---------------------------------------------------------------------
    Case(
        "pyproject-invalid-toml",
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n'},
        check_source("pyproject.toml"),
        2,
        ("pyproject.toml, line", "not valid TOML"),
    ),
    Case(
        "pyproject-dependencies-not-a-list",
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = "A"\n'},
        check_source("pyproject.toml"),
        2,
        ("pyproject.toml, line 3:", "'dependencies' must be a list of strings"),
    ),
    Case(
        "pyproject-dynamic-dependencies",
        {"pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n'},
        check_source("pyproject.toml"),
        0,
        ("warning: dependencies are dynamic",),
    ),
    Case(
        "pyproject-unknown-group",
        {"pyproject.toml": '[dependency-groups]\ntest = ["A"]\n'},
        (*check_source("pyproject.toml"), "--group", "docs"),
        2,
        ("there is no dependency group 'docs' (the groups are: test)",),
    ),
    Case(
        "pyproject-unknown-extra",
        {"pyproject.toml": '[project]\nname = "x"\n[project.optional-dependencies]\nfast = ["A"]\n'},
        (*check_source("pyproject.toml"), "--extra", "slow"),
        2,
        ("there is no extra 'slow'", "fast"),
    ),
    Case(
        "pyproject-group-cycle",
        {"pyproject.toml": '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n'},
        (*check_source("pyproject.toml"), "--group", "a"),
        2,
        ("cycle",),
    ),
    Case(
        "pyproject-invalid-requires-python",
        {"pyproject.toml": '[project]\nname = "x"\nrequires-python = "three"\n'},
        check_source("pyproject.toml"),
        2,
        ("three",),
    ),
    Case(
        "folder-without-a-source",
        {"project/README": "nothing here\n"},
        ("check", "{tmp}/project", "--env", "{env}"),
        2,
        ("has no pyproject.toml or requirements.txt",),
    ),
    # -- paths --------------------------------------------------------------------------------
    Case("target-missing", {}, check_source("nothere.py"), 2, ("nothere.py does not exist",)),
    Case("target-is-a-folder", {"robot.py/inner.txt": "x"}, check_source("robot.py"), 2, ("is a folder",)),
    Case(
        "path-with-spaces",
        {"my robots/robot one.py": '# /// script\n# dependencies = ["A<1.5"]\n# ///\n'},
        check_source("my robots/robot one.py"),
        0,
    ),
    Case(
        "path-with-quotes",
        {'it\'s "quoted".py': '# /// script\n# dependencies = ["A<1.5"]\n# ///\n'},
        check_source('it\'s "quoted".py'),
        0,
    ),
    Case(
        "path-with-a-newline",
        {"two\nlines.py": '# /// script\n# dependencies = ["A>=2"]\n# ///\n'},
        check_source("two\nlines.py"),
        1,
    ),
    Case(
        "path-with-non-ascii-letters",
        {"röbot_ñ.py": '# /// script\n# dependencies = ["A<1.5"]\n# ///\n'},
        check_source("röbot_ñ.py"),
        0,
    ),
]


def _fill(argv: tuple[str, ...], tmp: Path, env: str) -> list[str]:
    return [a.replace("{tmp}", str(tmp)).replace("{env}", env) for a in argv]


def _write(tmp: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


@pytest.mark.parametrize("case", SOURCE_CASES, ids=[c.id for c in SOURCE_CASES])
def test_bad_source(case: Case, plain_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path, case.files)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code = main(_fill(case.argv, tmp_path, plain_env))
    out, err = capsys.readouterr()
    assert code == case.code, (out, err)
    assert "Traceback" not in err + out
    for fragment in case.stderr:
        assert fragment in err, err
    if case.code == 2:
        assert len(err.strip().splitlines()) == 1, err
        assert len(err) < 400, "a message quotes at most a short part of the input"
    after = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before, "reading a source never changes it"


# -- environments: one broken entry among many ---------------------------------------------------


def _make_envs(root: Path) -> dict[str, Path]:
    names = ["empty", "binary", "nohome", "badhome", "unknown-keys", "crlf", "good"]
    envs = {n: Path(story.make_venv(str(root / n))) for n in names}
    (envs["empty"] / "pyvenv.cfg").write_bytes(b"")
    (envs["binary"] / "pyvenv.cfg").write_bytes(b"\x00\x01\x02\xff")
    cfg = envs["nohome"] / "pyvenv.cfg"
    cfg.write_text("".join(line for line in cfg.read_text().splitlines(True) if not line.startswith("home")))
    cfg = envs["badhome"] / "pyvenv.cfg"
    gone = root / "deleted-python" / "bin"
    cfg.write_text(
        "".join(
            f"home = {gone}\n" if line.startswith("home") else line
            for line in cfg.read_text().splitlines(True)
        )
    )
    with open(envs["unknown-keys"] / "pyvenv.cfg", "a") as fh:
        fh.write("frobnicate = yes\nanother-tool = 1.2\n")
    cfg = envs["crlf"] / "pyvenv.cfg"
    cfg.write_bytes(cfg.read_bytes().replace(b"\n", b"\r\n"))
    return envs


@pytest.fixture(scope="module")
def env_zoo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _make_envs(tmp_path_factory.mktemp("zoo"))


ENV_EXPECT = {
    # name: (health in `envs`, fragment of problem, exit of `packages`, stderr fragment)
    # A broken floor's packages are still listed, with its health and problem in the JSON.
    "empty": ("broken", "pyvenv.cfg is empty", 0, None),
    "binary": ("broken", "pyvenv.cfg is not a text file", 0, None),
    "nohome": ("ok", None, 0, None),
    "badhome": ("broken", "no longer exists", 0, None),
    "unknown-keys": ("ok", None, 0, None),
    "crlf": ("ok", None, 0, None),
    "good": ("ok", None, 0, None),
}


def test_envs_lists_every_environment_with_its_health(
    env_zoo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(next(iter(env_zoo.values())).parent)
    assert main(["envs", "--root", root, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_path = {e["path"]: e for e in data["environments"]}
    for name, (health, fragment, _, _) in ENV_EXPECT.items():
        env = by_path[str(env_zoo[name])]
        assert env["health"] == health, (name, env)
        if fragment:
            assert fragment in env["problem"], (name, env["problem"])
        else:
            assert env["problem"] is None, (name, env["problem"])
    version = ".".join(map(str, sys.version_info[:3]))
    assert by_path[str(env_zoo["crlf"])]["python_version"] == version  # CRLF read like LF


@pytest.mark.parametrize("name", list(ENV_EXPECT))
def test_packages_of_each_odd_environment(
    name: str, env_zoo: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, code, fragment = ENV_EXPECT[name]
    assert main(["packages", str(env_zoo[name]), "--json"]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if fragment:
        assert fragment in err and str(env_zoo[name]) in err
        assert err.count("pyvenv.cfg") == 1, "the folder is named once, the file once"
    else:
        data = json.loads(out)
        assert data["environment"] == str(env_zoo[name])
        health, problem = ENV_EXPECT[name][:2]
        assert data["health"] == health  # the same verdict as `envs`
        assert (problem is None and data["problem"] is None) or problem in data["problem"]


# -- METADATA: the bad entry is reported, the rest is listed ------------------------------------------


METADATA_CASES: dict[str, tuple[bytes | None, bool | None, str | None]] = {
    # folder name: (METADATA bytes or None for no file, listed?, fragment of the sentence)
    "noname-1.0.dist-info": (b"Metadata-Version: 2.1\nVersion: 1.0\n", False, "has no Name field"),
    "nover-1.0.dist-info": (b"Metadata-Version: 2.1\nName: nover\n", False, "has no Version field"),
    "badver-1.0.dist-info": (
        b"Metadata-Version: 2.1\nName: badver\nVersion: one point oh\n",
        True,
        "'one point oh', which is not a valid version",
    ),
    "latin-1.0.dist-info": (
        b"Metadata-Version: 2.1\nName: latin\nVersion: 1.0\nSummary: caf\xe9\n",
        True,
        "UTF-8",
    ),
    "emptym-1.0.dist-info": (b"", False, "METADATA is empty"),
    "nometa-1.0.dist-info": (None, False, "METADATA is missing"),
    "binary-1.0.dist-info": (b"\x00\x01\x02\x03", False, "not a text file"),
    "twice-1.0.dist-info": (b"Metadata-Version: 2.1\nName: twice\nVersion: 1.0\n", True, None),
    # The second copy is hidden behind the first (checked by version below).
    "twice-2.0.dist-info": (
        b"Metadata-Version: 2.1\nName: twice\nVersion: 2.0\n",
        None,
        "second copy of twice",
    ),
}


@pytest.fixture(scope="module")
def metadata_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("metadata")
    env = Path(story.make_venv(str(root / "env")))
    wheels = story.build_story_wheels(str(root / "wheels"))
    story.pip_install_offline(str(env), wheels, ["A==1.5.7", "B==4.1.0"])
    site = env / "lib" / PY / "site-packages"
    for folder, (data, _, _) in METADATA_CASES.items():
        (site / folder).mkdir()
        if data is not None:
            (site / folder / "METADATA").write_bytes(data)
    return env


def test_malformed_metadata_is_reported_and_the_rest_listed(
    metadata_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["packages", str(metadata_env), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    listed = {p["name"]: p["version"] for p in data["packages"]}
    assert listed["A"] == "1.5.7" and listed["B"] == "4.1.0"  # the good ones are untouched
    assert listed["twice"] == "1.0"
    for folder, (_, shown, fragment) in METADATA_CASES.items():
        name = folder.split("-")[0]
        if shown is not None:
            assert (name in listed) is shown, folder
        if fragment:
            matching = [p for p in data["problems"] if folder in p]
            assert matching and fragment in matching[0], (folder, data["problems"])
    # And the environment's dependency check still works around the bad entries.
    assert main(["check", "--env", str(metadata_env)]) == 0
    capsys.readouterr()


# -- the config file -------------------------------------------------------------------------------------


CONFIG_CASES = [
    ("config-invalid-toml", b'roots = ["/a",\nscan_depth = \n', "config.toml, line 2:", "not valid TOML"),
    (
        "config-roots-not-a-list",
        b'roots = "/a"\n',
        "config.toml, line 1:",
        "'roots' must be a list of strings",
    ),
    ("config-scan-depth-wrong", b"# mine\nscan_depth = -3\n", "config.toml, line 2:", "'scan_depth' must be"),
    ("config-shell-not-a-string", b"shell = 3\n", "config.toml, line 1:", "'shell' must be a string"),
    ("config-not-utf8", b"shell = '\xff'\n", "config.toml", "UTF-8"),
]


@pytest.mark.parametrize(("case_id", "data", "where", "what"), CONFIG_CASES, ids=[c[0] for c in CONFIG_CASES])
def test_bad_config(
    case_id: str, data: bytes, where: str, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = Path(os.environ["VENV_TUI_CONFIG_DIR"]) / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    # Named once, the defaults stand in, and the command's own exit status stands.
    assert main(["envs"]) == 0
    err = capsys.readouterr().err
    assert where in err and what in err, err
    assert err.count("venv-tui: warning: ") == 1 and err.rstrip().endswith("the defaults are used")
    assert path.read_bytes() == data, "a broken config is left untouched"


# -- paths where folders are expected, loops, odd names ---------------------------------------------------


def test_file_where_a_folder_is_expected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "notes.txt"
    file.write_text("x")
    assert main(["envs", "--root", str(file)]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["packages", str(file)]) == 2
    err = capsys.readouterr().err
    assert "not a virtual environment" in err and "nor a Python interpreter" in err


def test_folder_without_pyvenv_cfg(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packages", str(tmp_path)]) == 2
    assert "no pyvenv.cfg" in capsys.readouterr().err


def test_symlink_loop_and_odd_names_under_a_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    odd = ["with space", "quote'\"s", "new\nline", "ñandú-日本"]
    for name in odd:
        story.make_venv(str(tmp_path / name / ".venv"))
    (tmp_path / "loop").mkdir()
    os.symlink(tmp_path, tmp_path / "loop" / "back")
    unreadable = tmp_path / "locked"
    unreadable.mkdir()
    unreadable.chmod(0)
    try:
        assert main(["envs", "--root", str(tmp_path), "--json"]) == 0
    finally:
        unreadable.chmod(0o755)
    data = json.loads(capsys.readouterr().out)
    paths = [e["path"] for e in data["environments"]]
    for name in odd:
        assert paths.count(str(tmp_path / name / ".venv")) == 1, name
    for name in odd:
        assert main(["packages", str(tmp_path / name / ".venv"), "--json"]) == 0
        assert json.loads(capsys.readouterr().out)["packages"] == []


# -- requirements typed for pip ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("--index-url=https://evil.example/simple", "looks like an option"),
        ("-e .", "looks like an option"),
        ("A; rm -rf /", ""),
        ("A && reboot", ""),
        ("$(reboot)", ""),
        ("`reboot`", ""),
        ("A | tee x", ""),
        ("", ""),
        ("A\nB", ""),
    ],
)
def test_typed_requirement_is_refused_before_pip(text: str, fragment: str, tmp_path: Path) -> None:
    from venv_tui.errors import BadInput, Refused
    from venv_tui.services.actions.pip import run_pip

    env = story.make_venv(str(tmp_path / "env"))
    before = sorted(os.listdir(env))
    lines: list[str] = []
    with pytest.raises((Refused, BadInput)) as info:
        run_pip(env, "install", ["A>=1", text], on_line=lines.append)
    assert fragment in str(info.value)
    assert lines == [], "pip never ran"
    assert sorted(os.listdir(env)) == before
