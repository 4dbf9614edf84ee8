"""A corpus of bad inputs, each with the sentence a user should read.

Whole-input problems make the headless CLI exit 2 with one line on stderr; a problem with one
entry among many (one broken environment, one malformed METADATA) is reported inside the
normal output while the rest is still listed. No case may print a traceback.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    ("config-nul-in-a-path", b'roots = ["/tmp/a\\u0000b"]\n', "config.toml, line 1:", "NUL"),
    ("config-nested-too-deep", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n", "config.toml, line 1:", "more than 100 deep"),
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


# =================================================================================================
# A hostile disk: special and endless files, crafted input, depth, true messages, another user,
# injection. Anything that could hang runs as a child process under a time limit.
# =================================================================================================

HANG_LIMIT = 30  # seconds for a child that should answer at once; a hang fails, never blocks
FAST = 5.0  # seconds a crafted input may take to parse (it took 20-40 s when it backtracked)


@dataclass(frozen=True)
class Runner:
    """Who runs the child: a user and group, and a Python that user may execute, with the
    project and its dependencies on PYTHONPATH (this run's own may sit in a private folder)."""

    user: str
    group: str
    python: str
    pythonpath: str


def cli(
    *argv: str,
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    runner: Runner | None = None,
    timeout: float = HANG_LIMIT,
) -> subprocess.CompletedProcess[str]:
    """``venv-tui ARGV`` as a child process (as another user when ``runner`` is given)."""
    environ = dict(os.environ)
    environ.update(env or {})
    python = sys.executable
    extra: dict[str, object] = {}
    if runner is not None:
        python = runner.python
        environ["PYTHONPATH"] = runner.pythonpath
        extra = {"user": runner.user, "group": runner.group, "extra_groups": []}
    return subprocess.run(
        [python, "-m", "venv_tui", *argv],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=environ,
        check=False,
        **extra,  # type: ignore[arg-type]
    )


def one_sentence(done: subprocess.CompletedProcess[str], code: int = 2) -> str:
    assert done.returncode == code, (done.returncode, done.stdout[-500:], done.stderr[-500:])
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    if code == 2:
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    return done.stderr


FIFO = object()  # a file entry that is made a named pipe


def make_files(tmp: Path, files: dict[str, object]) -> None:
    for rel, content in files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is FIFO:
            os.mkfifo(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(str(content), encoding="utf-8")


# -- special and endless files as sources ---------------------------------------------------------

SPECIAL_SOURCES = [
    ("requirements-is-a-fifo", {"requirements.txt": FIFO}, "requirements.txt", "is a named pipe, not a file"),
    ("script-is-a-fifo", {"robot.py": FIFO}, "robot.py", "is a named pipe, not a file"),
    ("pyproject-is-a-fifo", {"pyproject.toml": FIFO}, "pyproject.toml", "is a named pipe, not a file"),
    (
        "include-is-a-fifo",
        {"requirements.txt": "A\n-r more.txt\n", "more.txt": FIFO},
        "requirements.txt",
        "requirements.txt, line 2: the included file more.txt is a named pipe, not a file",
    ),
    (
        "constraint-is-a-fifo",
        {"requirements.txt": "A\n-c pins.txt\n", "pins.txt": FIFO},
        "requirements.txt",
        "line 2: the included file pins.txt is a named pipe",
    ),
    (
        "include-is-dev-zero",
        {"requirements.txt": "A\n-r /dev/zero\n"},
        "requirements.txt",
        "line 2: the included file /dev/zero is a character device, not a file",
    ),
    ("target-is-dev-zero", {}, "/dev/zero", "/dev/zero is a character device, not a file"),
    (
        "project-folder-with-a-fifo-pyproject",
        {"project/pyproject.toml": FIFO},
        "project",
        "pyproject.toml is a named pipe, not a file",
    ),
]


@pytest.mark.parametrize(("files", "target", "fragment"), [c[1:] for c in SPECIAL_SOURCES], ids=[c[0] for c in SPECIAL_SOURCES])
def test_special_files_as_sources_are_named_never_read(
    files: dict[str, object], target: str, fragment: str, plain_env: str, tmp_path: Path
) -> None:
    make_files(tmp_path, files)
    path = target if target.startswith("/") else str(tmp_path / target)
    err = one_sentence(cli("check", path, "--env", plain_env))
    assert fragment in err, err


# -- special files inside a floor: the floor is still listed, nothing hangs -------------------------


@pytest.fixture
def small_floor(tmp_path: Path, story_wheels: str) -> tuple[Path, Path]:
    """A floor holding A 1.0.0 and B 2.1.3; returns (floor, its site-packages)."""
    env = Path(story.make_venv(str(tmp_path / "floor")))
    story.pip_install_offline(str(env), story_wheels, ["A==1.0.0", "B==2.1.3"])
    return env, env / "lib" / PY / "site-packages"


def _dist_info(site: Path, name: str) -> Path:
    (found,) = [p for p in site.iterdir() if p.name.lower().startswith(name.lower() + "-") and p.name.endswith(".dist-info")]
    return found


@pytest.mark.parametrize(
    "member", ["METADATA", "INSTALLER", "direct_url.json", "REQUESTED", "RECORD", "top_level.txt", "entry_points.txt"]
)
def test_a_named_pipe_inside_a_dist_info_never_hangs(
    member: str, small_floor: tuple[Path, Path], tmp_path: Path
) -> None:
    env, site = small_floor
    target = _dist_info(site, "A") / member
    if target.exists():
        target.unlink()
    os.mkfifo(target)
    script = tmp_path / "plain.py"
    script.write_text("import a\nimport b\n")  # no block: its imports are mapped through RECORD
    for argv in (
        ("packages", str(env), "--json"),
        ("check", "--env", str(env)),
        ("check", str(script), "--env", str(env)),
    ):
        done = cli(*argv)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
        assert done.returncode in (0, 1), done.stderr
    listed = {p["name"] for p in json.loads(cli("packages", str(env), "--json").stdout)["packages"]}
    assert "B" in listed, "one bad entry never hides the rest"


def test_a_named_pipe_as_egg_link_or_requires_txt_never_hangs(small_floor: tuple[Path, Path]) -> None:
    env, site = small_floor
    os.mkfifo(site / "pipe.egg-link")
    info = site / "legacy-1.0.egg-info"
    info.mkdir()
    (info / "PKG-INFO").write_text("Metadata-Version: 1.0\nName: legacy\nVersion: 1.0\n")
    os.mkfifo(info / "requires.txt")
    done = cli("packages", str(env), "--json")
    assert done.returncode == 0, done.stderr
    assert {"A", "B"} <= {p["name"] for p in json.loads(done.stdout)["packages"]}


def test_a_nul_byte_in_an_egg_link_hides_nothing(small_floor: tuple[Path, Path]) -> None:
    env, site = small_floor
    (site / "nul.egg-link").write_bytes(b"/tmp/a\x00b\n.\n")
    done = cli("packages", str(env), "--json")
    assert done.returncode == 0 and "internal error" not in done.stderr, done.stderr
    assert {"A", "B"} <= {p["name"] for p in json.loads(done.stdout)["packages"]}


def test_a_pyvenv_cfg_that_is_a_pipe_or_a_folder_is_named(small_floor: tuple[Path, Path], tmp_path: Path) -> None:
    """The floor is broken and says why in those words (its packages may still be listed)."""
    env, _ = small_floor
    cfg = env / "pyvenv.cfg"
    cfg.unlink()
    for kind, make in (("named pipe", os.mkfifo), ("folder", os.mkdir)):
        make(cfg)
        done = cli("packages", str(env))
        assert done.returncode in (0, 2) and "Traceback" not in done.stderr, done.stderr
        said = done.stdout + done.stderr
        assert "pyvenv.cfg" in said and kind in said and "no pyvenv.cfg" not in said, said
        listed = json.loads(cli("envs", "--root", str(tmp_path), "--json").stdout)["environments"]
        (floor,) = [e for e in listed if e["path"] == str(env)]
        assert floor["health"] == "broken" and kind in floor["problem"], floor
        os.rmdir(cfg) if kind == "folder" else cfg.unlink()


def test_a_named_pipe_as_config_or_python_version_never_hangs(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    os.mkfifo(config / "config.toml")
    done = cli("envs", "--root", str(tmp_path), env={"VENV_TUI_CONFIG_DIR": str(config)})
    assert "config.toml" in done.stderr and "internal error" not in done.stderr, done.stderr
    project = tmp_path / "project"
    project.mkdir()
    os.mkfifo(project / ".python-version")
    pyenv = tmp_path / "pyenv"
    (pyenv / "shims").mkdir(parents=True)
    for argv in (("pythons", "--json"), ("envs", "--json")):
        done = cli(*argv, cwd=str(project), env={"PYENV_ROOT": str(pyenv)})
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


# -- crafted input: linear time --------------------------------------------------------------------


CRAFTED = [
    ("spaces-in-a-requirement", "requirements.txt", "A" + " " * 80_000 + ">=1\n", None),
    ("spaces-then-a-name", "requirements.txt", "A" + " " * 80_000 + "x@\n", "is not a valid requirement"),
    ("spaces-then-a-comment", "requirements.txt", " " * 80_000 + "x #c\n", None),
    ("spaces-in-a-named-url", "requirements.txt", "A @" + " " * 80_000 + "https://e.org/a.whl\n", None),
    ("spaces-in-an-option", "requirements.txt", "--pre" + " " * 80_000 + "\nA\n", None),
    ("many-unclosed-openings", "robot.py", "# /// x\n" * 30_000 + "print(1)\n", None),
    ("script-opening-then-many", "robot.py", "# /// script\n" + "# /// x\n" * 30_000, "no closing"),
    (
        "escaped-strings-in-a-block",
        "robot.py",
        "# /// script\n# dependencies = [\n" + "".join(f'#  "A\\u003e={i}",\n' for i in range(10_000)) + "# ]\n# ///\n",
        None,
    ),
    (
        "escaped-strings-in-a-pyproject",
        "pyproject.toml",
        "[project]\nname = 'x'\ndependencies = [\n" + "".join(f'  "A\\u003e={i}",\n' for i in range(10_000)) + "]\n",
        None,
    ),
    (
        "blank-lines-before-a-key",
        "pyproject.toml",
        "[project]\n" + "\n" * 80_000 + " " * 80_000 + "dependencies = ['A']\n",
        None,
    ),
]


@pytest.mark.parametrize(("name", "text", "error"), [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_crafted_input_is_read_in_linear_time(name: str, text: str, error: str | None, tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_text(text)
    code = (
        "import sys, time\n"
        "from venv_tui.errors import BadInput\n"
        "from venv_tui.services.sources import load_source\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    load_source(sys.argv[1]); outcome = 'ok'\n"
        "except BadInput as err:\n"
        "    outcome = str(err)\n"
        "print(time.perf_counter() - start); print(outcome[-300:])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=HANG_LIMIT, check=False
    )
    assert done.returncode == 0, done.stderr
    seconds, outcome = done.stdout.split("\n", 1)
    assert float(seconds) < FAST, f"{name} took {float(seconds):.1f} s"
    if error is None:
        assert outcome.strip() == "ok", outcome
    else:
        assert error in outcome, outcome


def test_escaped_dependencies_keep_their_lines(tmp_path: Path) -> None:
    from venv_tui.services.sources import load_source

    body = "".join(f'#  "A\\u003e={i}",\n' for i in range(50))
    path = tmp_path / "robot.py"
    path.write_text("# /// script\n# dependencies = [\n" + body + "# ]\n# ///\n")
    source = load_source(str(path))
    assert [(r.text, r.line) for r in source.requirements][:2] == [("A>=0", 3), ("A>=1", 4)]
    assert source.requirements[-1].line == 52


# -- depth and bytes -------------------------------------------------------------------------------


def test_a_thousand_deep_include_chain_is_one_sentence(plain_env: str, tmp_path: Path) -> None:
    for i in range(1000):
        (tmp_path / f"r{i}.txt").write_text(f"A\n-r r{i + 1}.txt\n")
    (tmp_path / "r1000.txt").write_text("A\n")
    err = one_sentence(cli("check", str(tmp_path / "r0.txt"), "--env", plain_env))
    assert "line 2: including" in err and "more than 100 deep" in err, err


def test_a_long_include_group_chain_is_one_sentence(plain_env: str, tmp_path: Path) -> None:
    groups = "".join(f'g{i} = ["A", {{include-group = "g{i + 1}"}}]\n' for i in range(2000))
    (tmp_path / "pyproject.toml").write_text("[dependency-groups]\n" + groups + 'g2000 = ["A"]\n')
    err = one_sentence(cli("check", str(tmp_path / "pyproject.toml"), "--env", plain_env, "--group", "g0"))
    assert "includes groups more than 100 deep" in err and "pyproject.toml, line" in err, err
    # A short chain resolves (through packaging) with each requirement on its own line.
    (tmp_path / "pyproject.toml").write_text(
        '[dependency-groups]\na = ["A>=1", {include-group = "b"}]\nb = [\n  "A<2",\n]\n'
    )
    from venv_tui.services.sources import load_source

    source = load_source(str(tmp_path / "pyproject.toml"), groups=["a"])
    assert [(r.text, r.line) for r in source.requirements] == [("A>=1", 2), ("A<2", 4)]


NESTED = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("pyproject.toml", f"[project]\nname = 'x'\ndependencies = {NESTED}\n", "pyproject.toml, line 3:"),
        ("robot.py", f"# /// script\n# dependencies = {NESTED}\n# ///\n", "robot.py, line 2:"),
        ("inline.toml", "[project]\nx = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "inline.toml, line 2:"),
    ],
)
def test_deeply_nested_toml_is_one_sentence(name: str, text: str, fragment: str, plain_env: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text)
    err = one_sentence(cli("check", str(tmp_path / name), "--env", plain_env))
    assert fragment in err and "more than 100 deep" in err, err


def test_a_nul_byte_in_an_include_path(plain_env: str, tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("A\n-r a\0b.txt\n")
    err = one_sentence(cli("check", str(tmp_path / "requirements.txt"), "--env", plain_env))
    assert "requirements.txt, line 2: the included file's path contains a NUL byte" in err, err


# -- true messages ---------------------------------------------------------------------------------


def test_empty_paths_are_bad_input(plain_env: str, tmp_path: Path) -> None:
    (tmp_path / "req.txt").write_text("A\n")
    assert "empty path" in one_sentence(cli("check", ""))
    assert "empty path" in one_sentence(cli("check", str(tmp_path / "req.txt"), "--env", ""))


def test_empty_block_and_a_line_without_a_space(plain_env: str, tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("# /// script\n# ///\nimport os\n")
    done = cli("check", str(tmp_path / "empty.py"), "--env", plain_env)
    assert done.returncode == 0, done.stderr
    assert "block is empty" in done.stderr and "no closing" not in done.stderr
    (tmp_path / "tight.py").write_text("# /// script\n#dependencies = ['A']\n# ///\n")
    err = one_sentence(cli("check", str(tmp_path / "tight.py"), "--env", plain_env))
    assert "tight.py, line 2:" in err and "must be '#' alone or start with '# '" in err, err


def test_a_path_longer_than_the_system_allows_is_not_echoed_whole(plain_env: str, tmp_path: Path) -> None:
    long = str(tmp_path / ("x" * 300) / ("y" * 300)) * 20
    for argv in (("check", long, "--env", plain_env), ("packages", long), ("check", "--env", long)):
        err = one_sentence(cli(*argv))
        assert len(err) < 600, err


def test_every_command_works_from_a_deleted_working_folder(plain_env: str, tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    (tmp_path / "req.txt").write_text("A\n")
    code = (
        "import os, sys\n"
        "os.chdir(sys.argv[1]); os.rmdir(sys.argv[1])\n"
        "from venv_tui.cli import main\n"
        "raise SystemExit(main(sys.argv[2:]))\n"
    )
    for argv in (
        ("check", str(tmp_path / "req.txt"), "--env", plain_env),
        ("packages", plain_env, "--json"),
        ("envs", "--root", str(tmp_path), "--json"),
        ("pythons", "--json"),
    ):
        gone.mkdir(exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-c", code, str(gone), *argv], capture_output=True, text=True, timeout=HANG_LIMIT, check=False
        )
        assert done.returncode == 0, (argv, done.stderr)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_demo_with_the_cache_folder_on_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "cache"
    a_file.write_text("not a folder")
    done = cli("--demo", env={"VENV_TUI_CACHE_DIR": str(a_file)})
    assert done.returncode == 2 and "internal error" not in done.stderr, done.stderr
    err = done.stderr.strip().splitlines()[-1]
    assert "not a folder" in err and str(a_file) in err, err
    assert a_file.read_text() == "not a folder"


# -- another user: permission denied, said as such --------------------------------------------------

CORPUS_USER = "venv-tui-corpus"
USER_LOCK = os.path.join(tempfile.gettempdir(), "venv-tui-corpus-user.lock")
USER_WAIT = 120.0  # seconds another run may hold the user before this one gives up


def _users() -> set[str]:
    import pwd

    return {entry.pw_name for entry in pwd.getpwall()}


def _remove_user(name: str) -> None:
    import grp

    subprocess.run(["userdel", name], capture_output=True, timeout=60, check=False)
    try:  # where userdel leaves the user's own group behind
        grp.getgrnam(name)
    except KeyError:
        return
    subprocess.run(["groupdel", name], capture_output=True, timeout=60, check=False)


@contextmanager
def system_user(name: str) -> Iterator[bool]:
    """The system user ``name`` (no home, no shell) for the ``with`` block, made if missing;
    yields whether it exists. Afterwards it is removed, also when an earlier run that was
    stopped left it behind: the name is the suite's own, and the machine is left without it.
    Runs take turns through a lock file (pytest-xdist workers, other checkouts), so one never
    removes the user while another uses it."""
    import fcntl

    with open(USER_LOCK, "a") as lock:
        deadline = time.monotonic() + USER_WAIT
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another run has held {USER_LOCK} for {USER_WAIT:g} s")
                time.sleep(0.1)
        try:
            if name not in _users():
                subprocess.run(
                    ["useradd", "--system", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name],
                    capture_output=True,
                    timeout=60,
                    check=False,
                )
            yield name in _users()
        finally:
            _remove_user(name)


@pytest.fixture
def other_user() -> Iterator[Runner | None]:
    """A non-root user to run the CLI as when this run is root (made for the test and removed
    after it); None when this run already is not root. Skipped, with the reason, when neither
    works."""
    if os.geteuid() != 0:
        yield None
        return
    import grp
    import pwd
    import site
    import sysconfig

    with system_user(CORPUS_USER) as exists:
        if not exists:
            pytest.skip("running as root, and no other user could be made to test permissions with")
        entry = pwd.getpwnam(CORPUS_USER)
        group = grp.getgrgid(entry.pw_gid).gr_name
        project = str(Path(__file__).resolve().parent.parent)
        pythonpath = os.pathsep.join([project, sysconfig.get_paths()["purelib"], *site.getsitepackages()])
        version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
        candidates = [sys.executable, os.path.realpath(sys.executable), f"/usr/bin/{version}", f"/usr/local/bin/{version}"]
        for python in dict.fromkeys(candidates):
            runner = Runner(CORPUS_USER, group, python, pythonpath)
            try:
                probe = cli("--version", runner=runner, cwd="/")
            except OSError:
                continue
            if probe.returncode == 0:
                yield runner
                return
        pytest.skip(f"no {version} here that the user {CORPUS_USER} may run (this one is in a private folder)")


def test_a_user_made_for_the_tests_is_gone_afterwards_whether_or_not_it_was_there() -> None:
    if os.geteuid() != 0 or shutil.which("useradd") is None:
        pytest.skip("making a system user needs root and useradd")
    name = "venv-tui-corpus-check"  # not the corpus user: its tests may run beside this one
    with system_user(name) as exists:
        assert exists and name in _users()
    assert name not in _users()
    # Left behind by a run that was stopped: used, then removed all the same.
    subprocess.run(["useradd", "--system", "--no-create-home", name], capture_output=True, timeout=60, check=True)
    try:
        with system_user(name) as exists:
            assert exists
        assert name not in _users()
    finally:
        if name in _users():
            _remove_user(name)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder the other user can reach (pytest's own folders are private to root)."""
    base = Path(tempfile.mkdtemp(prefix="venv-tui-corpus-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for root, dirs, _ in os.walk(base):
            for name in dirs:
                os.chmod(os.path.join(root, name), 0o755)
        shutil.rmtree(base, ignore_errors=True)


def as_user(user: Runner | None, shared: Path, *argv: str) -> str:
    env = {
        "HOME": str(shared),
        "VENV_TUI_CONFIG_DIR": str(shared / "no-config"),
        "VENV_TUI_CACHE_DIR": str(shared / "cache"),
    }
    return one_sentence(cli(*argv, runner=user, env=env, cwd=str(shared)))


def test_unreadable_sources_say_permission_denied(other_user: Runner | None, shared: Path) -> None:
    floor = story.make_venv(str(shared / "floor"))
    (shared / "req.txt").write_text("A\n")
    (shared / "req.txt").chmod(0)
    err = as_user(other_user, shared, "check", str(shared / "req.txt"), "--env", floor)
    assert "permission denied" in err and "req.txt" in err, err
    (shared / "top.txt").write_text("-r inner.txt\n")
    (shared / "inner.txt").write_text("A\n")
    (shared / "inner.txt").chmod(0)
    err = as_user(other_user, shared, "check", str(shared / "top.txt"), "--env", floor)
    assert "top.txt, line 1:" in err and "permission denied" in err, err
    project = shared / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    project.chmod(0)
    err = as_user(other_user, shared, "check", str(project), "--env", floor)
    assert "permission denied" in err and "has no pyproject.toml" not in err, err


def test_unreadable_floors_say_permission_denied(other_user: Runner | None, shared: Path) -> None:
    locked = Path(story.make_venv(str(shared / "locked")))
    locked.chmod(0)
    err = as_user(other_user, shared, "packages", str(locked))
    assert "permission denied" in err and "not a virtual environment" not in err, err
    parent = shared / "parent"
    parent.mkdir()
    inner = story.make_venv(str(parent / "env"))
    parent.chmod(0)
    err = as_user(other_user, shared, "packages", inner)
    assert "permission denied" in err and "does not exist" not in err, err


# -- text from disk on its way to a terminal or to pip ----------------------------------------------


ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


def test_escape_sequences_from_disk_never_reach_the_terminal(small_floor: tuple[Path, Path], tmp_path: Path) -> None:
    env, site = small_floor
    cfg = env / "pyvenv.cfg"
    cfg.write_text(cfg.read_text() + f"prompt = evil{ESCAPES}prompt\n")
    hostile = site / "hostile-1.0.dist-info"
    hostile.mkdir()
    (hostile / "METADATA").write_text(f"Metadata-Version: 2.1\nName: hostile{ESCAPES}\nVersion: 1.0\n")
    for argv in (("envs", "--root", str(tmp_path)), ("packages", str(env))):
        done = cli(*argv)
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
        assert "\\x1b" in done.stdout, "the sequence is shown escaped, not dropped"


def test_a_hostile_name_on_disk_never_reaches_pip_in_a_rebuild(
    small_floor: tuple[Path, Path], story_wheels: str, tmp_path: Path
) -> None:
    """``venv-tui rebuild`` with a real pip run, offline: a METADATA Name that is a whole
    requirement (``evil @ file:///...``) is left out with a sentence, never installed."""
    env, site = small_floor
    payload = tmp_path / "payload"
    story.build_wheel(str(payload), "evil", "1.0")
    wheel = next(payload.iterdir())
    hostile = site / "evil-1.0.dist-info"
    hostile.mkdir()
    (hostile / "METADATA").write_text(f"Metadata-Version: 2.1\nName: evil @ file://{wheel}\nVersion: 1.0\n")
    done = cli(
        "rebuild", str(env), "--python", os.path.realpath(getattr(sys, "_base_executable", sys.executable)), "--no-index", "--find-links", story_wheels, "--json",
        env={"PIP_CONFIG_FILE": os.devnull},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    installed = {p.name.split("-")[0].lower() for p in site.iterdir() if p.name.endswith(".dist-info")}
    assert {"a", "b"} <= installed and "evil" not in installed
    result = json.loads(done.stdout)
    assert result["ok"] and not any("evil" in r for r in result["requirements"]), result
    pip_lines = [ln for ln in done.stderr.splitlines() if ln.startswith(("Processing", "Installing", "Successfully"))]
    assert pip_lines and not any("evil" in ln for ln in pip_lines), pip_lines
    assert "evil" in done.stderr and "left out" in done.stderr, done.stderr[-2000:]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("requirements.txt", f"A\nevil{ESCAPES}>>1\n"),
        ("requirements.txt", f"A\n--frob{ESCAPES}\n"),
        ("requirements.txt", f"-r more{ESCAPES}.txt\n"),
        ("requirements.txt", "\0" * 100_000 + "\n"),
        ("robot.py", f"# /// script\n#{ESCAPES}\n# ///\n"),
        ("pyproject.toml", f'[dependency-groups]\n"g{ESCAPES}" = [{{include-group = "nope"}}]\n'),
    ],
    ids=["requirement", "option", "include", "nul-bytes", "block-line", "group-name"],
)
def test_text_from_a_source_is_escaped_in_its_sentence(name: str, text: str, plain_env: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text)
    argv = ["check", str(tmp_path / name), "--env", plain_env]
    if name == "pyproject.toml":
        argv += ["--group", f"g{ESCAPES}"]
    err = one_sentence(cli(*argv))
    assert not any(ch in err.rstrip("\n") for ch in "\x1b\x07\x00"), repr(err)
    assert len(err) < 600, err


def test_a_hostile_name_on_disk_never_reaches_an_export(small_floor: tuple[Path, Path], tmp_path: Path) -> None:
    """``venv-tui export``: what it writes is fed to pip later (``pip install -r``); a METADATA
    Name that is a whole requirement or an option is left out with a sentence."""
    env, site = small_floor
    for folder, name in (
        ("evil-1.0.dist-info", "evil @ file:///tmp/payload.whl"),
        ("opt-1.0.dist-info", "--index-url=https://evil.example/simple"),
        ("esc-1.0.dist-info", f"esc{ESCAPES}"),
    ):
        (site / folder).mkdir()
        (site / folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    out = tmp_path / "requirements.txt"
    done = cli("export", str(env), "-o", str(out))
    assert done.returncode in (0, 1) and "Traceback" not in done.stderr, done.stderr
    from venv_tui.services.sources import load_source

    written = load_source(str(out))  # what pip would read back
    assert sorted(r.name for r in written.requirements) == ["A", "B"], written.requirements
    assert written.options == ()
    assert "left out" in done.stderr and "\x1b" not in done.stderr
