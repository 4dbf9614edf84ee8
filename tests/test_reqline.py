"""Requires-Dist lines read without packaging give packaging's own answers.

A table of lines as real METADATA holds them (extras in brackets, several specifiers, parenthesised
specifiers, markers over python_version, platform_*, implementation_*, extra) and of lines that
must be left to packaging; each is checked against packaging's parse and marker evaluation on
several floors (CPython 3.7 to 3.13, Windows, PyPy), with and without extras asked for.
"""

from __future__ import annotations

import itertools

import pytest
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet

from venv_tui.model import Distribution
from venv_tui.services import pep440, reqline
from venv_tui.services.installed import marker_applies, needs_of
from venv_tui.services.markers import marker_environment

pytestmark = pytest.mark.services

# Lines the quick reader must answer itself (no packaging).
QUICK = [
    "requests",
    "typing_extensions",
    "jaraco.functools",
    "zope.interface>=5",
    "idna<4,>=2.5",
    "pygments<3.0.0,>=2.13.0",
    "markdown-it-py>=2.2.0",
    "jsonschema-specifications>=2023.03.6",
    "prompt-toolkit !=3.0.37,<3.1.0,>=3.0.30",
    "responses!=0.25.5,>=0.15.0",
    "botocore (<2.0,>=1.37.4)",
    "flake8 (<5,>=3.7.8) ; extra == 'dev'",
    "certifi (==2016.9.26) ; extra == 'certs'",
    "alabaster ==1.0.0 ; extra == 'docs'",
    "jschema_to_python~=1.2.3; extra == \"full\"",
    "numpy~=1.21",
    "django==4.*",
    "pytz!=2021.*",
    "urllib3[socks]>=1.21.1,<3",
    "requests[security, socks] (>=2.0)",
    "rich[jupyter] >=13 ; python_version >= '3.8'",
    "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"",
    "chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"",
    "pytest; extra == \"test\"",
    "pytest>=7 ; extra == 'Test_Extra'",
    "coverage[toml]>=5.2.1; extra == \"testing\"",
    "appnope ; sys_platform == \"darwin\"",
    "colorama; platform_system == 'Windows'",
    "colorama>=0.4; sys_platform == \"win32\"",
    "pywin32>=304; sys_platform == 'win32'",
    "pexpect >4.3 ; sys_platform != \"win32\"",
    "cffi>=1.12 ; platform_python_implementation != 'PyPy'",
    "pycparser; implementation_name != \"PyPy\"",
    "cffi (>=1.14) ; os_name == \"nt\" and implementation_name != \"pypy\"",
    "backports.tarfile ; python_version < \"3.12\"",
    "exceptiongroup>=1; python_version < \"3.11\"",
    "tomli>=1.2.2; python_version < '3.11'",
    "typing-extensions>=4.13.2 ; python_full_version < '3.11'",
    "typing-extensions<5,>=4.7; python_version < \"3.10\"",
    "pyparsing (!=3.0.0,!=3.0.1,<4,>=2.4.2) ; python_version > \"3.0\"",
    "pyparsing (<3,>=2.4.2) ; python_version < \"3.0\"",
    "futures ; (python_version == \"2.7\") and extra == 'tests'",
    "importlib_resources>=1.3; python_version < \"3.9\" and os_name == \"nt\"",
    "tomli>=2.0.1; python_version < \"3.11\" and extra == \"core\"",
    "backports-zstd>=1.0.0; (python_version < '3.14') and extra == 'zstd'",
    "brotli>=1.2.0; (platform_python_implementation == 'CPython') and extra == 'brotli'",
    "jaraco.develop>=7.21; (python_version >= \"3.9\" and sys_platform != \"cygwin\") and extra == \"test\"",
    "pytest-black (>=0.3.7) ; (platform_python_implementation != \"PyPy\" and python_version < \"3.10\") and extra == 'testing'",
    "tzdata>=2026.2; (sys_platform == \"win32\" or sys_platform == \"emscripten\") and extra == \"all\"",
    "wincertstore (==0.2); (sys_platform=='win32') and extra == 'ssl'",
    "tzdata; (python_version >= '3.9' and platform_system == 'Windows') and extra == 'timezone'",
    "x; sys_platform in \"linux darwin\"",
    "y; platform_machine not in \"x86_64 aarch64\"",
    "z; python_version >= \"3.8\" or extra == 'all'",
    "either ; os_name == \"nt\" or extra == 'testing'",
    "w; python_version == \"3.12.*\"",
    "v; python_full_version != \"3.13.*\"",
    "u; python_version ~= \"3.8\"",
    "t; platform_system < \"Windows\"",
    "s; platform_system >= \"Linux\"",
    "r; extra != \"fast\"",
    "q;python_version<'3.12'and os_name=='posix'",
    "p ; ((python_version >= '3.8') or (os_name == 'nt')) and (extra == 'a' or extra == 'b')",
    "o[a,b]",
    "n>=1,<2,!=1.5",
    "m (==1.0.*)",
    "l>= 1.0 , < 2",
    "exceptiongroup (>=1.0.0rc9) ; python_version < \"3.11\"",
    "gmpy2 (>=2.1.0a4) ; (platform_python_implementation != \"PyPy\") and extra == 'gmpy'",
    "botocore (<2.0a.0,>=1.37.4)",
    "botocore[crt] (<2.0a0,>=1.21.0) ; extra == 'crt'",
    "black>=20.8b0; extra == \"cli\"",
    "k!=1.0rc1,<=2.0.0b1",
    "j==1.0a1",
    "i>1.0.0-alpha.1",
    "h<1.0.preview2",
    "g; python_full_version >= \"3.13.0rc1\"",
]

# Lines left to packaging: a URL, pre-releases in a specifier, legacy or mirrored markers,
# comparisons packaging refuses, and lines that are not valid at all.
SLOW = [
    "pkg @ https://example.invalid/pkg-1.0.tar.gz",
    "pkg @ https://example.invalid/pkg-1.0.tar.gz ; extra == 'x'",
    "pkg @ file:///srv/pkg ; python_version < '3.8'",
    "pkg[extra] @ https://example.invalid/p.whl ; sys_platform == 'win32'",
    "pkg===1.0",
    "pkg>=1.0.post1",
    "pkg>=1.0a1.post1",
    "pkg>=1.0a1.dev0",
    "pkg>=1.0a.",
    "pkg~=1.0a1",
    "pkg==1.0a1.*",
    "pkg>=1.0.dev0",
    "pkg==1.0+local",
    "pkg>=v1.0",
    "pkg>=1!2.0",
    "pkg; \"linux\" in sys_platform",
    "pkg; os.name == \"posix\"",
    "pkg; python_implementation == \"CPython\"",
    "pkg; platform_release >= \"5.0\"",
    "pkg; python_version > \"3.6.*\"",
    "pkg; python_version < \"3.x\"",
    "pkg; sys_platform ~= \"linux\"",
    "pkg; extra >= \"x\"",
    "pkg; unknown_variable == \"1\"",
    "pkg; python_version in \"3.6 3.7\"",
    "pkg>=1,",
    "pkg>=",
    "pkg ()",
    "pkg[",
    "pkg[a,]",
    "pkg[-a]",
    "-pkg",
    "pkg-",
    "pkg;",
    "pkg; python_version < '3.8' and",
    "pkg; (python_version < '3.8'",
    "pkg; python_version < '3.8')",
    "pkg; python_version < '3.8",
    "pkg>=1.0; ",
    "pkg ~= 1",
    "pkg>=1.*",
    "pkg~=1.2.*",
    "pkg==1.2.*.3",
    "pkg>=1..2",
    "pkg>=1.0\r",
    "",
]

ENVIRONMENTS = {
    "3.7": marker_environment("3.7.9"),
    "3.11": marker_environment("3.11.7"),
    "3.12": marker_environment("3.12.1"),
    "3.13": marker_environment("3.13.0"),
    "pypy": marker_environment("3.10.14", "pypy"),
    "windows": {
        **marker_environment("3.12.1"),
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
    },
}
EXTRAS = [(), ("test",), ("all", "testing"), ("Test-Extra",), ("a",)]


def packaging_answer(
    line: str, env: dict[str, str], extras: tuple[str, ...]
) -> tuple[str, str, SpecifierSet, bool, str | None] | None:
    """What packaging says: (name, its canonical form, specifier, has a marker, url) when the
    line applies, None when it does not parse or does not apply."""
    try:
        req = Requirement(line)
    except InvalidRequirement:
        return None
    if marker_applies(req, env, [reqline.canonical(e) for e in extras]) is not True:
        return None
    return (req.name, reqline.canonical(req.name), req.specifier, req.marker is not None, req.url)


def ours(line: str, env: dict[str, str], extras: tuple[str, ...]) -> tuple[object, ...] | None:
    dist = Distribution("d", "1.0", "/x", "/x/d-1.0.dist-info", requires=(line,))
    needs = needs_of(dist, env, extras)
    assert len(needs) <= 1
    if not needs:
        return None
    need = needs[0]
    return (need.name, need.key, SpecifierSet(need.specifier), need.marker, need.url)


@pytest.mark.parametrize("line", QUICK + SLOW)
def test_every_line_gets_packagings_answer_on_every_floor(line: str) -> None:
    for (label, env), extras in itertools.product(ENVIRONMENTS.items(), EXTRAS):
        assert ours(line, env, extras) == packaging_answer(line, env, extras), (label, extras)


@pytest.mark.parametrize("line", QUICK)
def test_real_lines_are_read_without_packaging(line: str) -> None:
    split = reqline.split_requirement(line)
    assert split is not None
    name, extras, spec, marker = split
    req = Requirement(line)
    assert (name, set(extras), SpecifierSet(spec)) == (req.name, req.extras, req.specifier)
    assert (marker is None) == (req.marker is None)
    if marker is not None:
        for env, wanted in itertools.product(ENVIRONMENTS.values(), EXTRAS):
            wanted_keys = tuple(reqline.canonical(e) for e in wanted)
            assert reqline.marker_holds(marker, env, wanted_keys) == marker_applies(
                req, env, wanted_keys
            ), (env["python_full_version"], wanted)


@pytest.mark.parametrize("line", SLOW)
def test_what_the_quick_reader_does_not_understand_goes_to_packaging(line: str) -> None:
    split = reqline.split_requirement(line)
    if split is None:
        return
    marker = split[3]
    # The line's head was read; then its marker is one packaging must judge.
    assert marker is not None
    assert all(
        reqline.marker_holds(marker, env, ()) is None for env in ENVIRONMENTS.values()
    )


SPECS = [
    ">=1.0", "<2", "==1.5.7", "==1.5", "!=1.5.7", ">1.5", "<=1.5.7", ">=1.5,<2", ">=2", "~=1.4",
    "~=1.4.2", "~=2.0", "==1.*", "==1.5.*", "!=1.5.*", "!=2.*", "==0.*", "~=1.5,!=1.5.7", ">1", "<1.5.0",
    "<2.0a0", "<2.0a.0,>=1.4", ">=1.5rc1", ">1.5b2", "<=1.5.7c1", "==1.5a1", "!=1.5.0rc1", ">=2.0.0-beta.3",
    "<1.5.0.preview", ">=1.5alpha", "<10.0pre1",
]
VERSIONS = [
    "0.9", "1", "1.0", "1.4", "1.4.2", "1.5", "1.5.0", "1.5.7", "1.6", "2", "2.1.0", "10.0", "1.5.7.1",
    # post-releases (certifi's 2026.10.19.post1): after their release, before the next
    "1.5.post1", "1.5.0-2", "1.5.7.post0", "2.post3", "1.4.2.rev1", "0.9-1", "v1.5.POST1",
]


@pytest.mark.parametrize("spec", SPECS)
def test_release_comparisons_agree_with_packaging(spec: str) -> None:
    for version in VERSIONS:
        expected = SpecifierSet(spec).contains(version, prereleases=True)
        answer = reqline.specifier_fits(spec, version)
        assert answer in (expected, None), version
        # Only a post-release against ~= or a wildcard is left to packaging.
        is_post = not pep440.is_release(version)
        assert answer is not None or (is_post and ("~=" in spec or ".*" in spec)), version


def test_version_comparisons_step_aside_for_what_they_do_not_read() -> None:
    assert reqline.specifier_fits(">=1.0", "1.0rc1") is None
    assert reqline.specifier_fits(">=1.0", "1.0+local") is None
    assert reqline.specifier_fits(">=1.0.post1", "1.0") is None
    assert reqline.specifier_fits(">=1.0a1.dev0", "1.0") is None
    assert reqline.specifier_fits("~=1.0a1", "1.0") is None
    assert reqline.specifier_fits("===1.0", "1.0") is None
    assert reqline.specifier_fits("~=1", "1.0") is None
    assert reqline.specifier_fits(">=1.0", "1.0.post1.dev0") is None
    assert reqline.specifier_fits("==1.*", "1.0.post1") is None


VERSION_TEXTS = [
    "1", "1.0", "v1.0", "V1.0", "1!2.0", "1.0a1", "1.0a", "1.0a.", "1.0-a-1", "1.0.alpha1", "1.0preview",
    "1.0pre1", "1.0c1", "1.0rc", "1.0RC1", "1.0.post1", "1.0-1", "1.0-", "1.0post", "1.0.r", "1.0rev2",
    "1.0-post-2", "1.0.dev", "1.0.dev0", "1.0-dev-1", "1.0a1.post2.dev3", "1.0+local", "1.0+a.b-c_d",
    "1.0+", "1.0+a.", "1.0+a..b", "1..0", ".1", "1.", "1.0.", "a1", "1.0x", " 1.0 ", "1.0\n", "1.0 a",
    "1.0_post1", "2026.10.19.post1", "1!", "!1", "1.0a1a2", "1.0-1-1", "1.0.post1.post2", "1.0dev",
    "1.0.devx", "1.0+\u00fc", "1.0\u212a", "\u0663", "1.0\uff411", "1.0.0-1.dev", "1.0r", "1.0-r1", "1.0_1",
    "1.0.-1", "v", "", "1.0+local+x", "01.02", "1.0a-1", "1.0b.", "1.0-dev",
]


def test_version_validity_agrees_with_packaging() -> None:
    """A table of edge cases, then strings drawn from version-like pieces (seeded)."""
    import random

    from packaging.version import InvalidVersion, Version

    from venv_tui.services.metadata import is_valid_version

    def valid(text: str) -> bool:
        try:
            Version(text)
        except InvalidVersion:
            return False
        return True

    rng = random.Random(7)
    pieces = [*"0123456789.-_!+vabcdeilnoprstvwx ", "post", "dev", "rc", "alpha", "pre", "rev", "beta"]
    drawn = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    for text in VERSION_TEXTS + drawn:
        assert (pep440.version_parts(text) is not None) == valid(text), repr(text)
        assert is_valid_version(text) == valid(text), repr(text)
