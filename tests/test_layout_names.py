"""The names and versions read by hand on the fast path read what the regular expressions they
replace read (they once were those expressions; ``re`` is kept out of a headless run's start).

Each pattern below is the one the hand reader stands for; every case, generated or written, must
give the same answer both ways.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from venv_tui.services import layout
from venv_tui.services.pyvenv import leading_version

pytestmark = pytest.mark.services

SAME = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

INTERPRETER_NAME = re.compile(r"^(python|pypy|graalpy)(\d+(\.\d+)?t?)?(\.exe)?$", re.IGNORECASE)
SHORT_IN_NAME = re.compile(r"(\d+\.\d+)t?(?:\.exe)?$", re.IGNORECASE)
LIB_VERSION_DIR = re.compile(r"^(?:python|pypy)(\d+\.\d+)t?$", re.IGNORECASE)
FULL_VERSION = re.compile(r"(\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?)")
PATCHLEVEL = re.compile(rb'#define\s+PY_VERSION\s+"([^"]+)"')
ACTIVATE_HOME = re.compile(r"""^\s*(?:export\s+)?VIRTUAL_ENV=(["']?)(/[^"'\n]*)\1\s*$""", re.M)
SHEBANG = re.compile(rb"^#!\s*(\S+)")
RELEASE = re.compile(r"\d+(?:\.\d+)*")
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?")

# Text made of the pieces these names are made of, so that near misses are common.
name_text = st.lists(
    st.sampled_from(
        ["python", "PYTHON", "pypy", "graalpy", "Py", "3", "12", "1", "٣", ".", "t", "T", ".exe",
         ".EXE", "-config", "m", "-", "x", "a", "b", "rc", "", "/", "lib", "İ"]
    ),
    max_size=7,
).map("".join)
activate_text = st.lists(
    st.sampled_from(
        ["VIRTUAL_ENV=", "export", " ", "\t", "\n", "\r", "\x0b", "\u2003", '"', "'", "/", "/home/u/env",
         "x", "$(", ")", "#", "export VIRTUAL_ENV", ";"]
    ),
    max_size=10,
).map("".join)
header_text = st.lists(
    st.sampled_from(
        [b"#define", b" ", b"\t", b"\n", b"PY_VERSION", b"PY_VERSION_HEX", b'"', b"3.12.1", b"+", b"x"]
    ),
    max_size=10,
).map(b"".join)


def regex_version_from_name(name: str) -> str | None:
    if not INTERPRETER_NAME.match(name):
        return None
    match = SHORT_IN_NAME.search(name)
    return match.group(1) if match else None


def regex_lib_version(name: str) -> str | None:
    match = LIB_VERSION_DIR.match(name)
    return match.group(1) if match else None


def regex_activate(text: str) -> str | None:
    match = ACTIVATE_HOME.search(text)
    return match.group(2) if match else None


def regex_release(version: str) -> tuple[int, ...]:
    found = RELEASE.match(version)
    return tuple(int(p) for p in found.group(0).split(".")) if found else ()


NAMES = [
    "python", "python3", "python3.12", "python3.13t", "python2.7", "pypy3", "pypy3.10", "graalpy",
    "python.exe", "python3.12.exe", "PYTHON3.EXE", "python3-config", "python3.12-gdb.py",
    "python3.6m", "pythont", "python3.", "python.12", "python3.12.1", "pythonw", "python3t.exe",
    "python3.12t.EXE", "pypy3.10t", "", "py", "İpython",
]


@pytest.mark.parametrize("name", NAMES)
def test_interpreter_names_as_the_pattern_reads_them(name: str) -> None:
    assert layout.is_interpreter_name(name) == bool(INTERPRETER_NAME.match(name))
    assert layout.version_from_name(name) == regex_version_from_name(name)
    assert layout.lib_version_dir(name) == regex_lib_version(name)


@SAME
@given(name_text)
def test_any_name_reads_as_the_pattern_reads_it(name: str) -> None:
    assert layout.is_interpreter_name(name) == bool(INTERPRETER_NAME.match(name))
    assert layout.version_from_name(name) == regex_version_from_name(name)
    assert layout.lib_version_dir(name) == regex_lib_version(name)


@SAME
@given(name_text)
def test_folder_versions_as_the_pattern_reads_them(name: str) -> None:
    match = FULL_VERSION.search(name)
    assert layout.version_from_folder(name) == (match.group(1) if match else None)
    assert layout.release_numbers(name) == regex_release(name)
    found = VERSION.match(name.strip())
    assert leading_version(name.strip()) == (found.group(0) if found else None)


@pytest.mark.parametrize(
    "name",
    ["3.12.1", "cpython-3.12.1-linux-x86_64-gnu", "pypy3.10-7.3.12", "3.13.0rc1", "3.13.0rc", "v3.12",
     "1.2.3.4", "12.3x4.5.6", "3.12.1b2+", "3.12.1.final.0", "3.12", "3..1", "", "a3.1.2"],
)
def test_written_folder_versions(name: str) -> None:
    match = FULL_VERSION.search(name)
    assert layout.version_from_folder(name) == (match.group(1) if match else None)
    assert layout.release_numbers(name) == regex_release(name)
    found = VERSION.match(name)
    assert leading_version(name) == (found.group(0) if found else None)


ACTIVATES = [
    'VIRTUAL_ENV="/home/u/env"\nexport VIRTUAL_ENV\n',  # venv up to 3.11
    "VIRTUAL_ENV='/home/u/env'\n",  # virtualenv, uv
    "    export VIRTUAL_ENV=/home/u/env\n",  # 3.12+ (after a cygpath test)
    'if [ "$OSTYPE" = "cygwin" ]; then\n    export VIRTUAL_ENV=$(cygpath "/home/u/env")\nelse\n'
    '    export VIRTUAL_ENV="/home/u/env"\nfi\n',
    "VIRTUAL_ENV=/home/u/env  \r\n",
    "VIRTUAL_ENV=\"/home/u/env'\n",
    'VIRTUAL_ENV="/home/u/env" # note\n',
    "exportVIRTUAL_ENV=/x\n",
    "export\nVIRTUAL_ENV=/x\n",
    "\n\nVIRTUAL_ENV=/x\n\n",
    "VIRTUAL_ENV=relative\nVIRTUAL_ENV=/second\n",
    "",
]


@pytest.mark.parametrize("text", ACTIVATES)
def test_activate_scripts_read_as_the_pattern_reads_them(text: str) -> None:
    assert layout.activate_home(text) == regex_activate(text)


@SAME
@given(activate_text)
def test_any_activate_text_reads_as_the_pattern_reads_it(text: str) -> None:
    assert layout.activate_home(text) == regex_activate(text)


@SAME
@given(header_text)
def test_headers_and_shebangs_read_as_the_patterns_read_them(data: bytes) -> None:
    match = PATCHLEVEL.search(data)
    assert layout._patchlevel(data) == (match.group(1) if match else None)
    shebang = SHEBANG.match(b"#!" + data)
    assert layout.shebang_interpreter(b"#!" + data) == (shebang.group(1) if shebang else None)
    assert layout.shebang_interpreter(data) == (m.group(1) if (m := SHEBANG.match(data)) else None)


def test_a_real_patchlevel_header() -> None:
    header = b'#define PY_VERSION_HEX 0x030C01F0\n/* Version as a string */\n#define PY_VERSION      "3.12.1+"\n'
    assert layout._patchlevel(header) == b"3.12.1+"
