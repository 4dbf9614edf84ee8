"""The environment's own consistency, compared with what real ``pip check`` says.

Broken states are built for real: wheels with Requires-Dist lines, installed with ``--no-deps``
so pip lets a dependency be missing or at the wrong version.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from packaging.utils import canonicalize_name

from venv_tui.model import DependencyProblem, Distribution, PackageSet, Site
from venv_tui.services import story
from venv_tui.services.consistency import environment_problems
from venv_tui.services.markers import marker_environment
from venv_tui.services.packages import read_packages
from venv_tui.services.site import open_site

RUNNER = f"{sys.version_info[0]}.{sys.version_info[1]}"

_MISSING = re.compile(r"^(\S+) (\S+) requires (\S+), which is not installed\.$")
_CONFLICT = re.compile(r"^(\S+) (\S+) has requirement (.+), but you have (\S+) (\S+)\.$")


def pip_check(python: str) -> tuple[int, set[tuple[str, str, str]]]:
    """``pip check`` for ``python``'s environment: exit status and (package, name, status)."""
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "check"],
        env=story.clean_pip_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    found: set[tuple[str, str, str]] = set()
    for line in done.stdout.splitlines():
        if m := _MISSING.match(line):
            found.add((canonicalize_name(m[1]), canonicalize_name(m[3]), "missing"))
        elif m := _CONFLICT.match(line):
            found.add((canonicalize_name(m[1]), canonicalize_name(m[4]), "wrong-version"))
    return done.returncode, found


def summary(problems: tuple[DependencyProblem, ...]) -> set[tuple[str, str, str]]:
    return {(canonicalize_name(p.package), canonicalize_name(p.name), p.status) for p in problems}


@pytest.mark.parametrize("floor", [1, 2, 3])
def test_story_floors_are_consistent_like_pip_check_says(house: story.House, floor: int) -> None:
    env = house.floors[floor]
    assert environment_problems(read_packages(open_site(env))) == ()
    assert pip_check(story.env_python(env)) == (0, set())


@pytest.fixture(scope="module")
def broken_env(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = str(tmp_path_factory.mktemp("broken"))
    wheels = story.build_story_wheels(os.path.join(root, "wheels"))
    story.build_wheel(
        wheels,
        "Needy",
        "1.0",
        [
            "Ghost>=1",  # not installed
            'Oldie; python_version < "3.0"',  # false for this Python: not required
            'Fast; extra == "speed"',  # only with an extra: pip check ignores it
            'Winlib; sys_platform == "win32" and sys_platform == "cygwin"',  # never true
            "B>=2",  # satisfied by B 2.1.3
            "a",  # satisfied by A, whatever its version
        ],
        extra_metadata=["Provides-Extra: speed"],
    )
    story.build_wheel(wheels, "Beta", "2.0b1")
    story.build_wheel(wheels, "UsesBeta", "1.0", ["Beta>=1.0"])  # a prerelease satisfies it
    env = story.make_venv(os.path.join(root, "env"))
    story.pip_install_offline(env, wheels, ["A==2.1.0", "B==2.1.3", "Needy", "Beta", "UsesBeta"])
    return env


def test_broken_env_problems(broken_env: str) -> None:
    problems = environment_problems(read_packages(open_site(broken_env)))
    assert problems == (
        DependencyProblem(
            package="A",
            version="2.1.0",
            requirement="B>=4",
            name="B",
            status="wrong-version",
            installed="2.1.3",
            message="A 2.1.0 requires B>=4, but B 2.1.3 is installed",
        ),
        DependencyProblem(
            package="Needy",
            version="1.0",
            requirement="Ghost>=1",
            name="Ghost",
            status="missing",
            installed=None,
            message="Needy 1.0 requires Ghost>=1, which is not installed",
        ),
    )


def test_broken_env_agrees_with_pip_check(broken_env: str) -> None:
    problems = environment_problems(read_packages(open_site(broken_env)))
    status, found = pip_check(story.env_python(broken_env))
    assert status == 1
    assert summary(problems) == found


def test_markers_are_evaluated_for_the_target_python(
    tmp_path_factory: pytest.TempPathFactory, other_interpreter: str
) -> None:
    root = str(tmp_path_factory.mktemp("other"))
    env = story.make_venv(os.path.join(root, "env"), other_interpreter)
    site = open_site(env)
    assert site.python_version is not None
    there = ".".join(site.python_version.split(".")[:2])
    assert there != RUNNER
    wheels = os.path.join(root, "wheels")
    story.build_wheel(
        wheels,
        "Picky",
        "1.0",
        [
            f'OnlyThere; python_version == "{there}"',
            f'OnlyHere; python_version == "{RUNNER}"',
        ],
    )
    story.pip_install_offline(env, wheels, ["Picky"])
    packages = read_packages(site)
    problems = environment_problems(packages)
    assert [p.message for p in problems] == ["Picky 1.0 requires OnlyThere, which is not installed"]
    assert pip_check(story.env_python(env)) == (1, summary(problems))
    # Given the runner's markers instead, the other requirement is the one that applies.
    as_if_here = environment_problems(packages, marker_environment(RUNNER))
    assert [p.name for p in as_if_here] == ["OnlyHere"]


# -- the pure function on its own (rules pip has, without an environment to build) ------------


def _packages(*dists: tuple[str, str, tuple[str, ...]]) -> PackageSet:
    site = Site(
        path="env",
        python=None,
        python_version="3.12.1",
        implementation="cpython",
        own_dirs=("site-packages",),
    )
    return PackageSet(
        site=site,
        distributions=tuple(
            Distribution(
                name=name,
                version=version,
                location="site-packages",
                metadata_path=f"site-packages/{name}-{version}.dist-info",
                requires=requires,
            )
            for name, version, requires in dists
        ),
    )


def test_an_unreadable_requirement_line_is_skipped_and_the_rest_checked() -> None:
    packages = _packages(("Odd", "1.0", ("this is not a requirement!!", "Ghost")), ("B", "1", ()))
    assert [p.message for p in environment_problems(packages)] == [
        "Odd 1.0 requires Ghost, which is not installed"
    ]


def test_versions_prereleases_urls_and_duplicates() -> None:
    packages = _packages(
        ("Legacy", "1.0-foo bar", ()),
        ("Beta", "2.0rc1", ()),
        (
            "User",
            "3",
            (
                "Legacy",  # any version will do, even one that is not PEP 440
                "Legacy>=1",  # cannot be checked against "1.0-foo bar": a conflict
                "Beta>=2.0rc1,<3",
                "Beta @ file:///somewhere/beta",
                "Ghost<2",
                "Ghost<2",  # the same line twice is one problem
                "ghost[extra]>=1; python_version >= '3'",
            ),
        ),
    )
    messages = [p.message for p in environment_problems(packages)]
    assert messages == [
        "User 3 requires Ghost<2, which is not installed",
        "User 3 requires ghost[extra]>=1, which is not installed",
        "User 3 requires Legacy>=1, but Legacy 1.0-foo bar is installed",
    ]


def test_sorted_by_package_then_name() -> None:
    packages = _packages(
        ("zeta", "1", ("b-dep", "a-dep")),
        ("Alpha", "1", ("Z-dep",)),
    )
    order = [(p.package, p.name) for p in environment_problems(packages)]
    assert order == [("Alpha", "Z-dep"), ("zeta", "a-dep"), ("zeta", "b-dep")]
