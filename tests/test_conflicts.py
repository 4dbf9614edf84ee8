"""Does an environment fit a source? Statuses and sentences on hand-made package data, then
``check`` and ``fit`` on the article's house, built as real environments."""

from __future__ import annotations

import pytest

from venv_tui.errors import BadInput
from venv_tui.model import (
    Distribution,
    Environment,
    PackageSet,
    RequirementSource,
    Site,
    SourceRequirement,
)
from venv_tui.services import Services, story
from venv_tui.services.conflicts import (
    check_environment,
    check_python,
    check_requirement,
    check_source,
    rank_fits,
)
from venv_tui.services.markers import marker_environment

SITE = Site(
    path="/envs/floor",
    python="/envs/floor/bin/python",
    python_version="3.12.1",
    implementation="cpython",
    own_dirs=("/envs/floor/lib/python3.12/site-packages",),
)
MARKERS = marker_environment("3.12.1")


def dist(name: str, version: str, *requires: str) -> Distribution:
    location = SITE.own_dirs[0]
    return Distribution(
        name=name,
        version=version,
        location=location,
        metadata_path=f"{location}/{name}-{version}.dist-info",
        requires=requires,
    )


def packages(*dists: Distribution, site: Site = SITE) -> PackageSet:
    return PackageSet(site=site, distributions=tuple(sorted(dists, key=lambda d: d.key)))


def req(text: str, name: str | None = None, **fields: object) -> SourceRequirement:
    from packaging.requirements import Requirement

    if name is None:
        name = Requirement(text).name
    return SourceRequirement(text=text, name=name, line=7, **fields)  # type: ignore[arg-type]


FLOOR = packages(dist("A", "2.1.0", "B>=4", 'C>=1; extra == "fast"'), dist("B", "4.1.0"))


@pytest.mark.parametrize(
    ("text", "status", "installed", "message"),
    [
        ("A>=2", "ok", "2.1.0", "A 2.1.0 is installed, as robot.py needs (A>=2)"),
        ("a>=2", "ok", "2.1.0", "A 2.1.0 is installed, as robot.py needs (a>=2)"),
        ("A<1.5", "wrong-version", "2.1.0", "A 2.1.0 is installed, robot.py needs A<1.5"),
        ("Zed>=1", "missing", None, "Zed is not installed, robot.py needs Zed>=1"),
        (
            'Zed; python_version < "3.8"',
            "not-applicable",
            None,
            'Zed is not needed here (Python 3.12.1), robot.py asks for Zed; python_version < "3.8"',
        ),
        ('A>=2; python_version >= "3.8"', "ok", "2.1.0", None),
        (
            "A[fast]>=2",
            "extra-missing",
            "2.1.0",
            "A 2.1.0 is installed, but robot.py needs A[fast], "
            "and that needs C>=1, which is not installed",
        ),
        ("B[unknown]", "ok", "4.1.0", None),
    ],
)
def test_check_requirement(
    text: str, status: str, installed: str | None, message: str | None
) -> None:
    check = check_requirement(req(text), FLOOR, MARKERS, "robot.py")
    assert (check.status, check.installed, check.line, check.requirement) == (
        status,
        installed,
        7,
        text,
    )
    if message is not None:
        assert check.message == message


def test_extra_satisfied_once_its_dependency_is_there() -> None:
    floor = packages(*FLOOR.distributions, dist("C", "1.2"))
    assert check_requirement(req("A[fast]"), floor, MARKERS, "r.py").status == "ok"
    floor = packages(*FLOOR.distributions, dist("C", "0.9"))
    check = check_requirement(req("A[fast]"), floor, MARKERS, "r.py")
    assert check.status == "extra-missing"
    assert check.message.endswith("needs C>=1, but C 0.9 is installed")


def test_markers_are_those_of_the_environment_not_of_the_app() -> None:
    old = marker_environment("3.7.9")
    check = check_requirement(req('A<1; python_version < "3.8"'), FLOOR, old, "r.py")
    assert check.status == "wrong-version"
    check = check_requirement(req('A<1; python_version < "3.8"'), FLOOR, MARKERS, "r.py")
    assert check.status == "not-applicable"


def test_an_installed_prerelease_satisfies_like_pip_check() -> None:
    floor = packages(dist("A", "2.2.0rc1"))
    assert check_requirement(req("A>=2"), floor, MARKERS, "r.py").status == "ok"
    assert check_requirement(req("A<2.2"), floor, MARKERS, "r.py").status == "wrong-version"


def test_url_and_path_requirements_are_checked_by_name_only() -> None:
    named = req("A @ https://example.org/a.whl", url="https://example.org/a.whl")
    check = check_requirement(named, FLOOR, MARKERS, "r.py")
    assert check.status == "unverifiable"
    assert check.message == (
        "A 2.1.0 is installed; r.py wants it from https://example.org/a.whl, "
        "and where it came from cannot be checked"
    )
    bare = req("./vendor/thing", name="", url="./vendor/thing")
    check = check_requirement(bare, FLOOR, MARKERS, "r.py")
    assert check.status == "unverifiable"
    assert check.message == (
        "r.py needs ./vendor/thing; what that installs is only known once pip builds it"
    )
    absent = req(
        "git+https://example.org/z.git#egg=zed", name="zed", url="git+https://x", editable=True
    )
    assert check_requirement(absent, FLOOR, MARKERS, "r.py").status == "missing"


def test_constraints_limit_versions_but_ask_for_nothing() -> None:
    absent = check_requirement(req("Zed<2", constraint=True), FLOOR, MARKERS, "c.txt")
    assert absent.status == "not-applicable"
    assert absent.message == "Zed is not installed; c.txt only limits its version (Zed<2)"
    wrong = check_requirement(req("A<2", constraint=True), FLOOR, MARKERS, "c.txt")
    assert wrong.status == "wrong-version"
    assert check_requirement(req("A<3", constraint=True), FLOOR, MARKERS, "c.txt").status == "ok"


def test_inferred_requirements_speak_of_imports() -> None:
    check = check_requirement(req("numpy", inferred=True), FLOOR, MARKERS, "r.py")
    assert check.message == "numpy is not installed, r.py imports it"
    check = check_requirement(req("A", inferred=True), FLOOR, MARKERS, "r.py")
    assert check.message == "A 2.1.0 is installed, as r.py imports it"


def test_a_version_that_cannot_be_read() -> None:
    floor = packages(dist("A", "not.a.version"))
    # Not a valid version: it satisfies no specifier (a failure, never "cannot be compared").
    bad = check_requirement(req("A>=2"), floor, MARKERS, "r.py")
    assert bad.status == "wrong-version"
    assert bad.message == (
        "A not.a.version is installed, but 'not.a.version' is not a valid version, so it cannot "
        "satisfy A>=2, which r.py needs"
    )
    assert check_requirement(req("A"), floor, MARKERS, "r.py").status == "ok"


@pytest.mark.parametrize(
    ("requires", "actual", "status", "message"),
    [
        (">=3.10", "3.12.1", "ok", "Python 3.12.1 runs here, as >=3.10 needs"),
        (
            ">=3.13",
            "3.12.1",
            "wrong-version",
            "Python 3.12.1 runs here, but Python >=3.13 is needed",
        ),
        (">=3.13", "3.13.0rc1", "ok", "Python 3.13.0rc1 runs here, as >=3.13 needs"),
        (
            ">=3.10",
            None,
            "unverifiable",
            "the Python version here is unknown; Python >=3.10 is needed",
        ),
    ],
)
def test_check_python(requires: str, actual: str | None, status: str, message: str) -> None:
    check = check_python(requires, actual)
    assert (check.requires, check.actual, check.status, check.message) == (
        requires,
        actual,
        status,
        message,
    )


def test_check_python_refuses_a_bad_specifier() -> None:
    with pytest.raises(BadInput, match="'>>3' is not a valid requires-python"):
        check_python(">>3", "3.12.1")


def test_check_source_and_environment_problems() -> None:
    broken = packages(dist("A", "2.1.0", "B>=4"), dist("B", "2.1.3"))
    source = RequirementSource("/robots/r.py", "script", (req("A>=2"),), requires_python=">=3.10")
    result = check_source(source, broken)
    assert (result.environment, result.target) == ("/envs/floor", "/robots/r.py")
    assert [c.status for c in result.requirements] == ["ok"]
    assert result.python is not None and result.python.status == "ok"
    # The environment's own conflict is reported, but the target's needs are met.
    assert [(p.package, p.requirement, p.status) for p in result.environment_problems] == [
        ("A", "B>=4", "wrong-version")
    ]
    assert result.ok
    env = check_environment(broken)
    assert (env.ok, env.target, env.requirements, env.python) == (False, None, (), None)
    assert len(env.environment_problems) == 1
    assert check_environment(FLOOR).ok


def test_a_wrong_python_fails_the_check() -> None:
    source = RequirementSource("/robots/r.py", "script", (), requires_python=">=3.13")
    result = check_source(source, FLOOR)
    assert not result.ok
    assert result.python is not None and result.python.status == "wrong-version"


def environment(path: str, *, active: bool = False) -> Environment:
    return Environment(
        path=path,
        name=path.rsplit("/", 1)[-1],
        python_version="3.12.1",
        base_interpreter=None,
        creator="venv",
        system_site_packages=False,
        health="ok",
        problem=None,
        active=active,
        source="root",
    )


def at(path: str, *dists: Distribution, version: str = "3.12.1") -> PackageSet:
    site = Site(path, None, version, "cpython", (f"{path}/site-packages",))
    return packages(*dists, site=site)


def test_rank_fits_orders_by_how_much_is_wrong() -> None:
    source = RequirementSource(
        "/robots/robot_three.py", "script", (req("A>=2"), req("B>=4")), requires_python=">=3.9"
    )
    candidates = [
        (environment("/e/unreadable"), None, "the base interpreter /x/python3 no longer exists"),
        (environment("/e/old-python"), at("/e/old-python", version="3.8.10"), None),
        (environment("/e/two-wrong"), at("/e/two-wrong", dist("A", "1.0"), dist("B", "2.1")), None),
        (environment("/e/missing"), at("/e/missing", dist("A", "2.1.0")), None),
        (environment("/e/one-each"), at("/e/one-each", dist("A", "1.5.7")), None),
        (environment("/e/z-fits"), at("/e/z-fits", dist("A", "2.1.0"), dist("B", "4.1.0")), None),
        (
            environment("/e/y-fits-active", active=True),
            at("/e/y-fits-active", dist("A", "2.2"), dist("B", "4.1.0")),
            None,
        ),
    ]
    fits = rank_fits(source, candidates)
    assert [f.path for f in fits] == [
        "/e/y-fits-active",
        "/e/z-fits",
        "/e/missing",
        "/e/one-each",
        "/e/two-wrong",
        "/e/old-python",
        "/e/unreadable",
    ]
    assert [f.ok for f in fits] == [True, True, False, False, False, False, False]
    assert fits[0].problems == ()
    assert fits[2].problems == ("B is not installed, robot_three.py needs B>=4",)
    assert fits[5].problems[0] == "Python 3.8.10 runs here, but Python >=3.9 is needed"
    assert fits[6].problems == ("the base interpreter /x/python3 no longer exists",)


# -- the article's house, as real environments -----------------------------------------------


@pytest.fixture(scope="module")
def services() -> Services:
    return Services(environ={})


def test_fit_robot_three_ranks_floor_three_first(house: story.House, services: Services) -> None:
    source = services.load_source(house.robots["robot_three.py"])
    envs = [services.environment(path) for path in house.floors.values()]
    fits = services.fit(source, envs)
    assert [f.path for f in fits] == [house.floors[3], house.floors[2], house.floors[1]]
    assert [f.ok for f in fits] == [True, False, False]
    assert fits[0].problems == ()
    assert fits[1].problems == (
        "A 1.5.7 is installed, robot_three.py needs A>=2",
        "B is not installed, robot_three.py needs B>=4",
    )
    assert fits[2].problems == (
        "A 1.0.0 is installed, robot_three.py needs A>=2",
        "B 2.1.3 is installed, robot_three.py needs B>=4",
    )


def test_check_robot_one(house: story.House, services: Services) -> None:
    source = services.load_source(house.robots["robot_one.py"])
    on_one = services.check(source, services.packages(house.floors[1]))
    assert on_one.ok
    assert [(c.status, c.message) for c in on_one.requirements] == [
        ("ok", "A 1.0.0 is installed, as robot_one.py needs (A<1.5)"),
        ("ok", "B 2.1.3 is installed, as robot_one.py needs (B>=2,<3)"),
    ]
    on_three = services.check(source, services.packages(house.floors[3]))
    assert not on_three.ok
    assert [(c.status, c.installed, c.line, c.message) for c in on_three.requirements] == [
        ("wrong-version", "2.1.0", 3, "A 2.1.0 is installed, robot_one.py needs A<1.5"),
        ("wrong-version", "4.1.0", 4, "B 4.1.0 is installed, robot_one.py needs B>=2,<3"),
    ]
    assert on_three.environment == house.floors[3]
    assert on_three.environment_problems == ()


def test_check_robot_two_on_floor_two(house: story.House, services: Services) -> None:
    source = services.load_source(house.robots["robot_two.py"])
    assert services.check(source, services.packages(house.floors[2])).ok


# -- the installed-set index's quick paths agree with packaging ------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        'sys_platform == "win32"',
        'sys_platform != "win32"',
        'os_name == "posix" and python_version >= "3.8"',
        'python_version < "3.11" or platform_system == "Windows"',
        'python_full_version >= "3.12.1"',
        'python_version > "3.12"',
        'platform_machine in "x86_64 aarch64"',
        'platform_machine not in "x86_64 aarch64"',
        'implementation_name == "pypy"',
    ],
)
@pytest.mark.parametrize("python", ["3.7.9", "3.12.1", "3.13.0"])
def test_quick_marker_agrees_with_packaging(marker: str, python: str) -> None:
    from packaging.markers import Marker

    from venv_tui.services.installed import quick_marker

    env = marker_environment(python)
    assert quick_marker(marker, env) == Marker(marker).evaluate(env)


@pytest.mark.parametrize(
    "spec", [">=1.0", "<2", "==1.5.7", "==1.5", "!=1.5.7", ">1.5", "<=1.5.7", ">=1.5,<2", ">=2"]
)
@pytest.mark.parametrize("version", ["1.0", "1.5", "1.5.0", "1.5.7", "2", "2.1.0", "10.0"])
def test_quick_version_check_agrees_with_packaging(spec: str, version: str) -> None:
    from packaging.specifiers import SpecifierSet

    from venv_tui.services.installed import version_fits
    from venv_tui.services.reqline import specifier_fits

    expected = SpecifierSet(spec).contains(version, prereleases=True)
    assert specifier_fits(spec, version) == expected
    assert version_fits(spec, version) == expected


def test_quick_paths_step_aside_for_what_they_do_not_read() -> None:
    from venv_tui.services.installed import quick_marker
    from venv_tui.services.reqline import specifier_fits

    env = marker_environment("3.12.1")
    assert quick_marker('(os_name == "posix")', env) is True  # parentheses are read now
    assert quick_marker('"linux" in sys_platform', env) is None
    assert quick_marker('a == "1" and b == "2" or c == "3"', env) is None
    assert specifier_fits("~=1", "1.5") is None  # packaging refuses a one-part ~=
    assert specifier_fits(">=1.0", "1.0rc1") is None


def test_lines_behind_an_extra_nobody_asked_for_are_skipped_unparsed() -> None:
    from venv_tui.services import installed

    dist = Distribution(
        name="Tool",
        version="1.0",
        location="/x",
        metadata_path="/x/Tool-1.0.dist-info",
        requires=(
            "fast ; extra == 'speed'",
            "cov ; (platform_python_implementation != \"PyPy\") and extra == 'testing'",
            "either ; os_name == \"nt\" or extra == 'testing'",
            "plain>=1",
        ),
    )
    installed._PARSED.clear()
    needs = installed.needs_of(dist, MARKERS)
    assert [n.name for n in needs] == ["plain"]
    # No line was parsed by packaging: the markers, `or` included, were evaluated without it.
    assert installed._PARSED == {}
    with_testing = installed.needs_of(dist, MARKERS, ("testing",))
    assert [n.name for n in with_testing] == ["cov", "either", "plain"]
