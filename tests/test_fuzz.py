"""Any text given to a parser ends in a result or a BadInput sentence, never a traceback."""

from __future__ import annotations

import os
import re
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from venv_tui.errors import BadInput
from venv_tui.services.sources.imports import parse_imports
from venv_tui.services.sources.pep723 import find_blocks, parse_script
from venv_tui.services.sources.pyproject import parse_pyproject
from venv_tui.services.sources.requirements import parse_requirements_file

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces that real files are made of, so the fuzzer reaches past the first check.
REQUIREMENT_PIECES = [
    "A",
    "B>=4",
    "a_b.c[x,y]>=1,<2",
    "A==1.*",
    "A @ https://e.org/a.whl",
    "./path",
    "~/x",
    "https://e.org/a.tar.gz#egg=a",
    "git+https://e.org/a.git#egg=a&subdirectory=s",
    "file:../a",
    "-e .",
    "-e",
    "--editable=x",
    "-r",
    "-r sub.txt",
    "-c c.txt",
    "-rother.txt",
    "--requirement=../r.txt",
    "-i https://x",
    "--pre",
    "--index-url",
    "--hash=sha256:00",
    "--foo",
    "-",
    "--",
    "#",
    " # comment",
    "\\",
    ";",
    '; python_version < "3.8"',
    "; extra == 'x'",
    "${HOME}",
    "${NOPE_VAR}",
    "@",
    "[",
    "]",
    "(",
    ")",
    "'",
    '"',
    "=",
    "==",
    ">>",
    "~=",
    "===",
    "!",
    ",",
    " ",
    "\t",
    "\x00",
    "é",
    "\u2028",
    "\r",
]
TOML_PIECES = [
    "[project]",
    "[project.optional-dependencies]",
    "[dependency-groups]",
    "[tool.x]",
    'name = "x"',
    'dependencies = ["A", "B>=1"]',
    "dependencies = [1]",
    'dependencies = "A"',
    'requires-python = ">=3.8"',
    "requires-python = 3",
    'dynamic = ["dependencies"]',
    "dynamic = 1",
    'fast = ["C"]',
    'dev = [{include-group = "test"}, "D"]',
    'test = [{include-group = "dev"}]',
    "test = [{include-group = 1}]",
    'lint = ["ruff"]',
    "lint = [{}]",
    "project = 1",
    '"dependency-groups" = 2',
    "optional-dependencies = []",
    "x = [",
    "]",
    "{",
    "}",
    '"',
    "'''",
    "=",
    "\\",
    "é",
    "\x00",
    "",
]
SCRIPT_PIECES = [
    "# /// script",
    "# ///",
    "# /// pyproject",
    '# dependencies = ["A", "B>=1"]',
    "# dependencies = [",
    '#   "A>=2",',
    "#   3,",
    "# ]",
    '# requires-python = ">=3.9"',
    "# requires-python = 1",
    "# dependencies = 'A'",
    "#",
    "# x = [",
    "import a",
    "",
    "#!/usr/bin/env python",
    "print(1)",
    "# /// script ",
    "#/// script",
    "é",
    "\x0c",
    "\x85",
]


def lines_of(pieces: list[str]) -> st.SearchStrategy[str]:
    piece = st.one_of(st.sampled_from(pieces), st.text(max_size=12))
    line = st.lists(piece, max_size=4).map(" ".join)
    return st.lists(line, max_size=12).map("\n".join)


@pytest.fixture(scope="module")
def folder() -> str:
    with tempfile.TemporaryDirectory() as path:
        yield path


@FUZZ
@given(text=st.one_of(st.text(), lines_of(SCRIPT_PIECES)))
def test_pep723_reader(text: str) -> None:
    try:
        parse_script(text, "robot.py")
    except BadInput as err:
        assert str(err).startswith("robot.py")


@FUZZ
@given(text=st.one_of(st.text(), lines_of(REQUIREMENT_PIECES)))
def test_requirements_reader(folder: str, text: str) -> None:
    path = os.path.join(folder, "requirements.txt")
    try:
        parse_requirements_file(path, text=text)
    except BadInput as err:
        assert str(err).startswith(path)


@FUZZ
@given(
    text=st.one_of(st.text(), lines_of(TOML_PIECES)),
    extras=st.lists(st.sampled_from(["fast", "FAST", "nope"]), max_size=2),
    groups=st.lists(st.sampled_from(["dev", "test", "lint", "nope"]), max_size=2),
)
def test_pyproject_reader(text: str, extras: list[str], groups: list[str]) -> None:
    try:
        parse_pyproject(text, "pyproject.toml", extras=extras, groups=groups)
    except BadInput as err:
        assert str(err).startswith("pyproject.toml")


@FUZZ
@given(
    text=st.one_of(
        st.text(),
        lines_of(
            [
                "import a",
                "from b import c",
                "from . import d",
                "import os",
                "def f(:",
                "    ",
                "x = 1",
            ]
        ),
    )
)
def test_imports_reader(folder: str, text: str) -> None:
    path = os.path.join(folder, "robot.py")
    try:
        parse_imports(text, path, None)
    except BadInput as err:
        assert str(err).startswith(path)


@FUZZ
@given(
    data=st.one_of(
        st.binary(),
        lines_of(
            [
                "Name: A",
                "Version: 1.0",
                "Requires-Dist: B>=4",
                "Requires-Python: >=3",
                "Metadata-Version: 2.1",
                ":",
                "é",
                "\t",
            ]
        ).map(str.encode),
    )
)
def test_metadata_header_reader(data: bytes) -> None:
    metadata = pytest.importorskip("venv_tui.services.metadata")
    try:
        metadata.parse_metadata(data)
    except BadInput:
        pass


# The specification's own expression: the one-pass scanner must find exactly what it finds.
SPEC_BLOCK = re.compile(r"(?m)^# /// (?P<type>[a-zA-Z0-9-]+)$\s(?P<content>(^#(| .*)$\s)+)^# ///$")


@FUZZ
@given(text=lines_of([*SCRIPT_PIECES, "# /// x", "# /// script", "# ///", "#x"]))
def test_blocks_are_found_as_the_specification_finds_them(text: str) -> None:
    try:
        found = find_blocks(text, "robot.py")
    except BadInput:
        return  # an unclosed script block: the expression simply finds nothing there
    expected = [
        (m.group("type"), text.count("\n", 0, m.start()), text.count("\n", 0, m.end()))
        for m in SPEC_BLOCK.finditer(text)
    ]
    # An empty block (opening then closing) is read as declaring nothing; the expression
    # needs one line between them. Everything else is the same.
    assert [b for b in found if b[2] > b[1] + 1] == expected


@FUZZ
@given(
    values=st.lists(
        st.one_of(st.text(max_size=8), st.sampled_from(['a"b', "a'b", "x\\y", "\n", "#", "[", "]"])),
        max_size=6,
    ),
    style=st.sampled_from(["basic", "literal", "multi"]),
)
def test_string_lines_follow_how_toml_writes_strings(values: list[str], style: str) -> None:
    """Every string of an array, however it is quoted or escaped, gets the line it starts on."""
    import json

    from venv_tui.tomlread import Positions, loads

    written = []
    for value in values:
        if style == "literal" and "'" not in value and "\n" not in value and value.isprintable():
            written.append(f"'{value}'")
        elif style == "multi":
            written.append('"""' + json.dumps(value)[1:-1] + '"""')
        else:
            written.append(json.dumps(value))
    text = "[project]\n# [not, an, array]\ndeps = [\n" + "".join(f"  {w},  # ]\n" for w in written) + "]\n"
    try:
        data = loads(text)
    except BadInput:
        return  # a control character TOML refuses
    assert data["project"]["deps"] == values
    positions = Positions(text)
    assert positions.array_string_lines(positions.key("deps")) == [4 + i for i in range(len(values))]


@FUZZ
@given(text=st.text())
def test_printable_text_holds_no_control_character(text: str) -> None:
    from venv_tui.text import printable

    shown = printable(text)
    shown.encode("utf-8")  # no lone surrogate left to leave as a raw byte
    assert not any(ch != "\t" and (ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F) for ch in shown)
    assert not set(shown) & set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029")
    if text.isprintable():
        assert shown == text, "ordinary text is left as it is"


@FUZZ
@given(text=st.one_of(st.text(max_size=30), st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,20}[A-Za-z0-9]", fullmatch=True)))
def test_a_project_name_is_nothing_but_a_name_for_pip(text: str) -> None:
    from packaging.requirements import Requirement

    from venv_tui.text import is_project_name

    if is_project_name(text):
        req = Requirement(text)
        assert (req.name, req.url, str(req.specifier), req.marker, req.extras) == (text, None, "", None, set())
    assert not is_project_name(text + " @ file:///x")
    assert not is_project_name(text + "==1.0")
