"""``packages --json`` and ``check`` on a floor of real-world Requires-Dist lines stay light
processes: they import neither textual, packaging, json, re nor enum.

Each of these costs a headless run milliseconds (``re`` pulls ``enum``, ``functools`` and
``collections``; ``packaging.requirements`` pulls ``packaging.tags``, ``logging`` and
``platform``); a change that brings one back is caught here rather than by a slower benchmark.
The commands run as real processes on a real venv whose packages were installed by pip from
wheels carrying the benchmark floor's lines (extras in brackets, several specifiers,
python_version and platform markers, parentheses, extra-only lines).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from benchmark import build_realistic_wheels

from venv_tui.services import story

pytestmark = pytest.mark.services

# Never on the packages/check path (`re` brings `enum`).
NEVER = ("textual", "packaging", "json", "platform", "logging", "re", "enum")

PROBE = r"""
import sys
before = set(sys.modules)
from venv_tui.cli import main
code = main(sys.argv[1:])
names = ("textual", "packaging", "json", "platform", "logging", "re", "enum", "dataclasses", "typing", "hashlib")
loaded = sorted(n for n in names if n in sys.modules and n not in before)
at_start = sorted(n for n in names if n in before)
sys.stderr.write(f"LOADED:{','.join(loaded)}\nAT-START:{','.join(at_start)}\nCODE:{code}\n")
"""


@pytest.fixture(scope="module")
def real_floor(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("floor")
    wheels = str(root / "wheels")
    names = [f"part-{i:02d}" for i in range(14)]
    build_realistic_wheels(wheels, names)
    env = story.make_venv(str(root / "env"))
    story.pip_install_offline(env, wheels, names)
    return env


def loaded(argv: list[str], cwd: str) -> tuple[set[str], set[str], str]:
    """(modules the run imported, of those watched; those already there at start; exit code)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, cwd=cwd, timeout=60
    )
    assert "LOADED:" in done.stderr, done.stderr
    fields = dict(line.split(":", 1) for line in done.stderr.splitlines() if ":" in line)
    return set(filter(None, fields["LOADED"].split(","))), set(filter(None, fields["AT-START"].split(","))), fields["CODE"]


COMMANDS = [["packages", "{env}", "--json"], ["check", "--env", "{env}"]]


@pytest.mark.parametrize("command", COMMANDS, ids=["packages", "check"])
def test_headless_reads_of_a_real_floor_import_no_textual_packaging_json_re(
    command: list[str], real_floor: str, tmp_path: str
) -> None:
    got, at_start, code = loaded([a.format(env=real_floor) for a in command], str(tmp_path))
    assert code == "0"  # every line was read and holds: the floor is consistent
    if at_start & set(NEVER):
        pytest.skip(f"this interpreter imports {sorted(at_start & set(NEVER))} before any of ours")
    assert not got & set(NEVER), f"imported on the headless path: {sorted(got & set(NEVER))}"


def test_the_probe_sees_what_a_run_imports(real_floor: str, tmp_path: str) -> None:
    """With a target, check parses requirements with packaging, and --help builds argparse
    (which imports re): the probe reports both, so its silence above means something."""
    target = os.path.join(str(tmp_path), "requirements.txt")
    with open(target, "w") as fh:
        fh.write("part-00>=1.0 ; python_version >= '3'\n")
    got, _, code = loaded(["check", target, "--env", real_floor], str(tmp_path))
    assert code == "0"
    assert "packaging" in got
    got, at_start, _ = loaded(["--help"], str(tmp_path))
    assert "re" in got | at_start


# The house at a glance: nor ``dataclasses`` (it pulls ``inspect``), ``typing`` or ``hashlib``
# (it loads OpenSSL) either.
NEVER_AT_A_GLANCE = (*NEVER, "dataclasses", "typing", "hashlib")

GLANCES = [
    ["pythons", "--json"],
    ["pythons"],
    ["where", "part-00", "--root", "{root}"],
    ["where", "part-00", "--root", "{root}", "--json"],
    ["envs", "--root", "{root}", "--sizes", "--json"],
]


@pytest.mark.parametrize(
    "command", GLANCES, ids=["pythons --json", "pythons", "where NAME", "where NAME --json", "envs --sizes"]
)
def test_the_house_at_a_glance_imports_no_re_dataclasses_json(
    command: list[str], real_floor: str, tmp_path: str
) -> None:
    from venv_tui.services.discover.probe import cached_probe, probe

    # An interpreter probed once before: its cached answer (JSON) is read too.
    python3 = os.path.realpath(sys.executable)
    assert probe(python3) is not None and cached_probe(python3) is not None
    argv = [a.format(root=os.path.dirname(real_floor)) for a in command]
    got, at_start, code = loaded(argv, str(tmp_path))
    assert code == "0"  # pythons lists, where finds part-00, envs measures
    if at_start & set(NEVER_AT_A_GLANCE):
        pytest.skip(f"this interpreter imports {sorted(at_start & set(NEVER_AT_A_GLANCE))} before any of ours")
    assert not got & set(NEVER_AT_A_GLANCE), f"imported: {sorted(got & set(NEVER_AT_A_GLANCE))}"


def test_a_spec_with_a_version_still_reads_it_with_packaging(real_floor: str, tmp_path: str) -> None:
    """Only a bare name is answered without packaging: the probe sees packaging when a range is
    given, so its silence above means something."""
    got, _, code = loaded(["where", "part-00>=0", "--root", os.path.dirname(real_floor)], str(tmp_path))
    assert code == "0"
    assert "packaging" in got
