"""Requirement sources read from real files: PEP 723 blocks, requirements files, pyproject.toml,
and imports mapped through a real environment."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from venv_tui.errors import BadInput
from venv_tui.services import story
from venv_tui.services.sources import find_sources, load_source


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return str(path)


def bad(path: str, **kwargs: object) -> BadInput:
    with pytest.raises(BadInput) as caught:
        load_source(path, **kwargs)  # type: ignore[arg-type]
    return caught.value


# -- PEP 723 -------------------------------------------------------------------------------


def test_script_block_gives_requirements_with_their_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "robot.py",
        """\
        #!/usr/bin/env python3
        # /// script
        # requires-python = ">=3.10"
        # dependencies = [
        #   "A>=2",
        #   'B[fast]>=4; python_version >= "3.8"',
        # ]
        # ///
        import a
        """,
    )
    source = load_source(path)
    assert source.kind == "script"
    assert source.requires_python == ">=3.10"
    assert [(r.text, r.name, r.line) for r in source.requirements] == [
        ("A>=2", "A", 5),
        ('B[fast]>=4; python_version >= "3.8"', "B", 6),
    ]
    assert all(r.origin == path and not r.inferred for r in source.requirements)


def test_the_story_robot_is_read(house: story.House) -> None:
    source = load_source(house.robots["robot_one.py"])
    assert [r.text for r in source.requirements] == ["A<1.5", "B>=2,<3"]


def test_a_file_without_py_that_opens_with_a_shebang_and_a_block_is_a_script(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        "robot",
        '#!/usr/bin/env -S uv run\n# /// script\n# dependencies = ["A"]\n# ///\n',
    )
    source = load_source(path)
    assert source.kind == "script"
    assert [r.name for r in source.requirements] == ["A"]


def test_other_block_types_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "tool.py", '# /// pyproject\n# dependencies = ["A"]\n# ///\nx = 1\n')
    source = load_source(path)
    assert source.kind == "imports"
    assert source.requirements == ()


def test_unclosed_block_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "r.py", 'print(1)\n# /// script\n# dependencies = ["A"]\nx = 1\n')
    err = bad(path)
    assert str(err) == f"{path}, line 2: the '# /// script' block has no closing '# ///' line"


def test_two_blocks_are_refused(tmp_path: Path) -> None:
    block = '# /// script\n# dependencies = ["A"]\n# ///\n'
    path = write(tmp_path, "r.py", block + "x = 1\n" + block)
    err = bad(path)
    assert str(err) == f"{path}: two '# /// script' blocks (lines 1 and 5)"


def test_invalid_toml_is_reported_at_the_script_line(tmp_path: Path) -> None:
    path = write(tmp_path, "r.py", 'import os\n# /// script\n# dependencies = ["A" "B"]\n# ///\n')
    err = bad(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}, line 3: the '# /// script' block is not valid TOML")


def test_dependencies_must_be_a_list(tmp_path: Path) -> None:
    path = write(
        tmp_path, "r.py", '# /// script\n# requires-python = ">=3"\n# dependencies = "A"\n# ///\n'
    )
    assert str(bad(path)) == f"{path}, line 3: 'dependencies' must be a list of strings"


def test_a_dependency_that_is_not_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "r.py", '# /// script\n# dependencies = ["A", 3]\n# ///\n')
    assert str(bad(path)) == f"{path}, line 2: entry 2 of 'dependencies' is not a string (a number)"


def test_requires_python_must_be_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, "r.py", "# /// script\n# requires-python = 3.11\n# ///\n")
    assert bad(path).line == 2
    assert "'requires-python' must be a string" in str(bad(path))


def test_an_invalid_requirement_in_a_block(tmp_path: Path) -> None:
    path = write(tmp_path, "r.py", '# /// script\n# dependencies = [\n#  "A>>1",\n# ]\n# ///\n')
    err = bad(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}, line 3: 'A>>1' is not a valid requirement (")


# -- requirements files ----------------------------------------------------------------------


def test_requirements_file_format(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "requirements.txt",
        """\
        # a comment line
        A>=1.5,<2  # a trailing comment
        B==4.1.0 \\
            --hash=sha256:0123456789abcdef
        C; python_version < "3.8"
        -e git+https://example.org/d.git#egg=dee
        --editable .
        -i https://example.org/simple
        --extra-index-url=https://example.org/extra
        --pre
        ./vendor/thing
        https://example.org/e-1.0.tar.gz#egg=ee
        F @ https://example.org/f-1.0-py3-none-any.whl
        """,
    )
    source = load_source(path)
    assert source.kind == "requirements"
    git = "git+https://example.org/d.git#egg=dee"
    tarball = "https://example.org/e-1.0.tar.gz#egg=ee"
    wheel = "https://example.org/f-1.0-py3-none-any.whl"
    rows = [(r.text, r.name, r.line, r.editable, r.url) for r in source.requirements]
    assert rows == [
        ("A>=1.5,<2", "A", 2, False, None),
        ("B==4.1.0", "B", 3, False, None),
        ('C; python_version < "3.8"', "C", 5, False, None),
        (git, "dee", 6, True, git),
        (".", "", 7, True, "."),
        ("./vendor/thing", "", 11, False, "./vendor/thing"),
        (tarball, "ee", 12, False, tarball),
        (f"F @ {wheel}", "F", 13, False, wheel),
    ]
    assert source.options == (
        "--index-url https://example.org/simple",
        "--extra-index-url https://example.org/extra",
        "--pre",
    )
    assert all(r.origin == path for r in source.requirements)


def test_a_hash_sign_without_space_before_it_is_not_a_comment(tmp_path: Path) -> None:
    # pip reads "A#x" as the requirement "A#x", which is not valid.
    path = write(tmp_path, "requirements.txt", "A\nB#x\n")
    err = bad(path)
    assert err.line == 2
    assert "'B#x' is not a valid requirement" in str(err)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("A>>1", "'A>>1' is not a valid requirement ("),
        ('A; python_versio < "3"', "'A; python_versio < \"3\"' is not a valid requirement ("),
        ("--foo bar", "unknown option '--foo'"),
        ("A==1 --frobnicate", "unknown option '--frobnicate'"),
        ("-r", "option '-r' needs a value"),
        ("--hash=sha256:00", "option '--hash' belongs after a requirement"),
    ],
)
def test_bad_requirement_lines(tmp_path: Path, line: str, expected: str) -> None:
    path = write(tmp_path, "requirements.txt", f"A\n\n{line}\n")
    err = bad(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}, line 3: {expected}")


def test_a_bad_marker_on_a_url_line(tmp_path: Path) -> None:
    path = write(tmp_path, "requirements.txt", "https://example.org/a.whl; python_versio < '3'\n")
    err = bad(path)
    assert err.line == 1
    assert "is not a valid marker" in str(err)


def test_continuation_reports_the_first_line(tmp_path: Path) -> None:
    path = write(tmp_path, "requirements.txt", "A\nB>=1,\\\n  <>2\n")
    err = bad(path)
    assert err.line == 2


def test_a_very_long_line_is_fine(tmp_path: Path) -> None:
    long_name = "a" + "b" * 20000
    spec = ",".join(f"!={n}.0" for n in range(2000))
    path = write(tmp_path, "requirements.txt", f"{long_name}{spec}\n")
    (req,) = load_source(path).requirements
    assert req.name == long_name
    assert req.text.endswith("!=1999.0")


def test_includes_and_constraints_are_relative_to_the_including_file(tmp_path: Path) -> None:
    write(tmp_path, "base.txt", "Common>=1\n")
    write(tmp_path, "project/requirements/dev.txt", "-r ../../base.txt\nPytest\n")
    write(tmp_path, "project/constraints.txt", "# pins\nCommon<3\n-r more-pins.txt\n")
    write(tmp_path, "project/more-pins.txt", "Pytest<9\n")
    path = write(
        tmp_path,
        "project/requirements.txt",
        "A\n-r requirements/dev.txt\n--constraint=constraints.txt\n",
    )
    source = load_source(path)
    rows = [
        (r.name, os.path.relpath(r.origin or "", tmp_path), r.line, r.constraint)
        for r in source.requirements
    ]
    assert rows == [
        ("A", "project/requirements.txt", 1, False),
        ("Common", "base.txt", 1, False),  # an include in a parent folder is allowed, as by pip
        ("Pytest", "project/requirements/dev.txt", 2, False),
        ("Common", "project/constraints.txt", 2, True),
        ("Pytest", "project/more-pins.txt", 1, True),  # included from a -c file: a constraint
    ]


def test_an_include_cycle_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "b.txt", "B\n-r a.txt\n")
    path = write(tmp_path, "a.txt", "A\n-r b.txt\n")
    err = bad(path)
    assert (
        str(err)
        == f"{tmp_path / 'b.txt'}, line 2: including a.txt makes a cycle (a.txt -> b.txt -> a.txt)"
    )


def test_a_file_including_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "-r a.txt\n")
    assert str(bad(path)) == f"{path}, line 1: including a.txt makes a cycle (a.txt -> a.txt)"


def test_a_missing_include(tmp_path: Path) -> None:
    path = write(tmp_path, "requirements.txt", "A\n-c nowhere.txt\n")
    assert str(bad(path)) == f"{path}, line 2: the included file nowhere.txt does not exist"


def test_a_network_include_is_not_fetched(tmp_path: Path) -> None:
    path = write(tmp_path, "requirements.txt", "A\n-r https://example.org/r.txt\n")
    source = load_source(path)
    assert [r.name for r in source.requirements] == ["A"]
    assert source.warnings == (
        f"{path}, line 2: https://example.org/r.txt is on the network and was not read",
    )


def test_environment_variables_are_expanded_like_pip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ROBOT_VERSION", "2.1")
    path = write(tmp_path, "requirements.txt", "A==${ROBOT_VERSION}\n")
    assert load_source(path).requirements[0].text == "A==2.1"


# -- files that cannot be read ---------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nothing.txt")
    assert str(bad(path)) == f"{path} does not exist"


def test_folder_without_sources(tmp_path: Path) -> None:
    assert str(bad(str(tmp_path))) == f"{tmp_path} has no pyproject.toml or requirements.txt"


def test_folder_where_a_file_is_expected(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").mkdir()
    inner = tmp_path / "requirements.txt"
    assert str(bad(str(tmp_path))) == f"{inner} is a folder, not a file"
    path = str(tmp_path / "r.py")
    os.mkdir(path)
    assert str(bad(path)) == f"{path} is a folder, not a file"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"A\nB\n\xff\xfeC\n")
    err = bad(str(path))
    assert err.line == 3
    assert "is not UTF-8 text" in str(err)


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_text("A\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read any file")
        assert str(bad(str(path))) == f"{path} cannot be read (permission denied)"
    finally:
        path.chmod(0o644)


def test_a_utf8_bom_and_windows_newlines_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "requirements.txt"
    path.write_bytes(b"\xef\xbb\xbfA>=1\r\nB\r\n")
    assert [(r.name, r.line) for r in load_source(str(path)).requirements] == [("A", 1), ("B", 2)]


# -- pyproject.toml --------------------------------------------------------------------------

PYPROJECT = """\
[project]
name = "robot"
version = "1"
requires-python = ">=3.9"
dependencies = [
    "A>=2",
    "B>=4",
]

[project.optional-dependencies]
Fast = ["C>=1"]
docs = ["A>=2", "D"]

[dependency-groups]
test = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
dev = [{include-group = "test"}, "ipython"]
"""


def test_pyproject_dependencies_extras_and_groups(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", PYPROJECT)
    source = load_source(str(tmp_path), extras=["fast", "docs"], groups=["dev"])
    assert source.path == path
    assert source.kind == "pyproject"
    assert source.requires_python == ">=3.9"
    rows = [(r.text, r.line) for r in source.requirements]
    assert rows == [
        ("A>=2", 6),
        ("B>=4", 7),
        ("C>=1", 11),
        ("A>=2", 12),
        ("D", 12),
        ("pytest>=8", 15),
        ("ruff", 16),
        ("ipython", 17),
    ]
    assert source.extras == ("fast", "docs")
    assert source.groups == ("dev",)


def test_pyproject_without_choices_reads_only_dependencies(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", PYPROJECT)
    assert [r.text for r in load_source(path).requirements] == ["A>=2", "B>=4"]


def test_a_folder_prefers_pyproject_over_requirements(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "Z\n")
    assert load_source(str(tmp_path)).kind == "requirements"
    write(tmp_path, "pyproject.toml", PYPROJECT)
    assert load_source(str(tmp_path)).kind == "pyproject"


def test_unknown_extra_lists_the_existing_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", PYPROJECT)
    err = bad(path, extras=["speed"])
    assert str(err) == f"{path}: there is no extra 'speed' (the extras are: Fast, docs)"


def test_unknown_group_lists_the_existing_ones(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", PYPROJECT)
    err = bad(path, groups=["docs"])
    assert (
        str(err) == f"{path}: there is no dependency group 'docs' (the groups are: dev, lint, test)"
    )


def test_an_include_of_an_unknown_group(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[dependency-groups]\na = [{include-group = "b"}]\n')
    err = bad(path, groups=["a"])
    assert str(err) == f"{path}, line 2: there is no dependency group 'b' (the groups are: a)"


def test_a_group_cycle_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        '[dependency-groups]\na = [{include-group = "b"}]\nb = ["x", {include-group = "a"}]\n',
    )
    err = bad(path, groups=["a"])
    assert str(err) == f"{path}: dependency groups include each other in a cycle (a -> b -> a)"


def test_dynamic_dependencies_are_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "pyproject.toml",
        '[project]\nname = "x"\ndynamic = ["version", "dependencies"]\n',
    )
    source = load_source(path)
    assert source.requirements == ()
    assert source.warnings == ("dependencies are dynamic: only the build backend knows them",)


def test_pyproject_invalid_toml(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\ndependencies = ["A",\n')
    err = bad(path)
    assert err.line == 4
    assert str(err).startswith(f"{path}, line 4: the file is not valid TOML")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('[project]\ndependencies = "A"\n', 2, "'dependencies' must be a list of strings"),
        ("[project]\ndependencies = [1]\n", 2, "entry 1 of 'dependencies' is not a string"),
        ("[project]\nrequires-python = 3\n", 2, "'requires-python' must be a string"),
        ('[project]\ndependencies = ["A>>1"]\n', 2, "'A>>1' is not a valid requirement ("),
        ('project = "x"\n', 1, "'project' must be a table"),
    ],
)
def test_pyproject_wrong_types(tmp_path: Path, text: str, line: int, message: str) -> None:
    path = write(tmp_path, "pyproject.toml", text)
    err = bad(path)
    assert err.line == line
    assert str(err).startswith(f"{path}, line {line}: {message}")


def test_pyproject_without_a_project_table(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", "[tool.black]\nline-length = 100\n")
    source = load_source(path)
    assert source.requirements == ()
    assert source.warnings == ("there is no [project] table, so no dependencies are declared here",)


def test_extras_only_for_a_pyproject(tmp_path: Path) -> None:
    path = write(tmp_path, "requirements.txt", "A\n")
    assert "can only be chosen for a pyproject.toml" in str(bad(path, extras=["x"]))


# -- imports -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imports_env(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real environment with "Robot-Parts" installed, whose module is ``gears``."""
    root = tmp_path_factory.mktemp("imports")
    wheels = str(root / "wheels")
    story.build_wheel(wheels, "Robot-Parts", "1.0", module="gears")
    story.build_wheel(wheels, "A", "2.1.0")
    env = story.make_venv(str(root / "env"))
    story.pip_install_offline(env, wheels, ["Robot-Parts", "A"])
    return env


def test_imports_are_mapped_to_distributions(imports_env: str, tmp_path: Path) -> None:
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site

    packages = read_packages(open_site(imports_env))
    write(tmp_path, "helpers.py", "")
    (tmp_path / "mylib").mkdir()
    path = write(
        tmp_path,
        "robot.py",
        """\
        from __future__ import annotations
        import os, json
        import gears.teeth
        from a import thing
        from . import sibling
        import helpers
        import mylib.sub
        import numpy as np


        def later():
            from gears import more
        """,
    )
    source = load_source(path, packages=packages)
    assert source.kind == "imports"
    rows = [(r.text, r.name, r.line, r.inferred) for r in source.requirements]
    assert rows == [
        ("Robot-Parts", "Robot-Parts", 3, True),
        ("A", "A", 4, True),
        ("numpy", "numpy", 8, True),
    ]


def test_imports_without_an_environment_are_unknown_unless_the_table_knows(tmp_path: Path) -> None:
    path = write(tmp_path, "robot.py", "import gears\nimport sys\nimport yaml\n")
    rows = [(r.import_name, r.name, r.name_known) for r in load_source(path).requirements]
    assert rows == [("gears", "", False), ("yaml", "PyYAML", True)]


def test_record_is_used_without_top_level_txt(imports_env: str) -> None:
    from venv_tui.services.packages import read_packages
    from venv_tui.services.site import open_site
    from venv_tui.services.sources.imports import _MODULES_CACHE, top_level_modules

    packages = read_packages(open_site(imports_env))
    dist = next(d for d in packages.distributions if d.name == "Robot-Parts")
    os.remove(os.path.join(dist.metadata_path, "top_level.txt"))
    _MODULES_CACHE.pop(dist.metadata_path, None)
    assert top_level_modules(dist) == frozenset({"gears"})


def test_a_syntax_error_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "robot.py", "import os\n\ndef broken(:\n    pass\n")
    err = bad(path)
    assert err.line == 3
    assert str(err).startswith(f"{path}, line 3: the script is not valid Python (")


# -- finding sources ---------------------------------------------------------------------------


def test_find_sources(tmp_path: Path, make_venv) -> None:  # type: ignore[no-untyped-def]
    block = '# /// script\n# dependencies = ["A"]\n# ///\n'
    expected = [
        write(tmp_path, "pyproject.toml", PYPROJECT),
        write(tmp_path, "requirements.txt", "A\n"),
        write(tmp_path, "requirements-dev.txt", "A\n"),
        write(tmp_path, "requirements/test.txt", "A\n"),
        write(tmp_path, "robot.py", block),
        write(tmp_path, "tools/deep/robot.py", block),
    ]
    write(tmp_path, "plain.py", "import a\n")
    write(tmp_path, "notes.txt", "A\n")
    write(tmp_path, "a/b/c/robot.py", block)  # deeper than two folders
    write(tmp_path, ".git/requirements.txt", "A\n")
    write(tmp_path, "node_modules/x/requirements.txt", "A\n")
    env = make_venv("env")
    folder = Path(os.path.dirname(env))
    write(folder, "env/requirements.txt", "A\n")
    os.symlink(env, tmp_path / "venv")
    assert find_sources(str(tmp_path)) == sorted(expected)


# -- lines, groups and limits ---------------------------------------------------------------------


def test_lines_are_those_of_the_table_the_list_belongs_to(tmp_path: Path) -> None:
    text = (
        "[project]\n"
        'name = "x"\n'
        "[tool.other]\n"
        'dependencies = ["not", "these"]\n'
        "[project.optional-dependencies]\n"
        '"fast" = [\n'
        "  'A>=1',  # a comment with a \"quote\" and a ]\n"
        '  """B""",\n'
        "]\n"
    )
    path = write(tmp_path, "pyproject.toml", text)
    source = load_source(path, extras=["fast"])
    assert [(r.text, r.line) for r in source.requirements] == [("A>=1", 7), ("B", 8)]


def test_dependency_groups_resolve_through_packaging_with_their_lines(tmp_path: Path) -> None:
    text = (
        "[dependency-groups]\n"
        'base = ["A>=1"]\n'
        'test = [{include-group = "base"}, "B"]\n'
        'all = [{include-group = "base"}, {include-group = "test"}]\n'
    )
    path = write(tmp_path, "pyproject.toml", text)
    source = load_source(path, groups=["all"])
    # PEP 735 as packaging resolves it: an included group's entries each time it is included.
    assert [(r.text, r.line) for r in source.requirements] == [("A>=1", 2), ("A>=1", 2), ("B", 3)]


def test_an_invalid_requirement_in_a_group_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[dependency-groups]\na = [\n  "A",\n  "B>>2",\n]\n')
    err = bad(path, groups=["a"])
    assert err.line == 4 and "'B>>2' is not a valid requirement" in str(err)


def test_group_names_that_normalise_alike_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "pyproject.toml", '[dependency-groups]\nmy_group = ["A"]\nmy-group = ["B"]\n')
    assert "have the same name" in str(bad(path, groups=["my-group"]))


def test_include_limits(tmp_path: Path) -> None:
    for i in range(150):
        write(tmp_path, f"r{i}.txt", f"-r r{i + 1}.txt\n")
    write(tmp_path, "r150.txt", "A\n")
    err = bad(str(tmp_path / "r0.txt"))
    assert "more than 100 deep" in str(err) and err.line == 1
    # A diamond of includes: each file read twice at every level would be 2**n files.
    for i in range(20):
        write(tmp_path, f"d{i}.txt", f"-r d{i + 1}.txt\n-c d{i + 1}.txt\n")
    write(tmp_path, "d20.txt", "A\n")
    assert "would read more than 1000 files" in str(bad(str(tmp_path / "d0.txt")))


def test_a_socket_as_a_source_is_named() -> None:
    import socket
    import tempfile

    with tempfile.TemporaryDirectory(dir="/tmp") as folder:  # a socket's path must be short
        path = os.path.join(folder, "requirements.txt")
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(path)
            assert str(bad(path)) == f"{path} is a socket, not a file"


def test_a_source_holds_a_bounded_number_of_requirements(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from venv_tui.services.sources import requirements

    monkeypatch.setattr(requirements, "MAX_REQUIREMENTS", 10)  # five million in use
    write(tmp_path, "more.txt", "B\n" * 6)
    path = write(tmp_path, "requirements.txt", "A\n" * 5 + "-r more.txt\n")
    err = bad(path)
    assert err.line == 6 and "more than 10 requirements" in str(err) and "more.txt" in str(err)
    write(tmp_path, "more.txt", "B\n" * 5)
    assert [r.name for r in load_source(path).requirements] == ["A"] * 5 + ["B"] * 5
