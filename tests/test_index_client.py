"""The index client against a real HTTP server on 127.0.0.1, and pip's configuration as pip reads it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time

import pytest
from packaging.version import Version

from tests.indexserver import IndexServer
from venv_tui.errors import BadInput
from venv_tui.services import story
from venv_tui.services.index import pipconf, simple
from venv_tui.services.index.http import Unreachable

pytestmark = pytest.mark.services


def _sha(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


@pytest.fixture
def wheels(tmp_path) -> str:
    folder = str(tmp_path / "wheels")
    story.build_wheel(folder, "Robot_Arm", "1.0.0")
    story.build_wheel(folder, "Robot_Arm", "2.0.0", requires_python=">=3.99")
    story.build_wheel(folder, "Robot_Arm", "2.1.0rc1")
    story.build_wheel(folder, "Other", "0.1")
    return folder


def _by_name(files: tuple[simple.IndexFile, ...]) -> dict[str, simple.IndexFile]:
    return {f.filename: f for f in files}


@pytest.mark.parametrize("as_json", [False, True], ids=["html", "json"])
def test_project_page_becomes_plain_files(wheels: str, as_json: bool) -> None:
    with IndexServer(wheels, json=as_json) as index:
        index.requires_python["Robot_Arm-2.0.0-py2.py3-none-any.whl"] = ">=3.99,<4"
        index.yanked["Robot_Arm-1.0.0-py2.py3-none-any.whl"] = "broke the arm"
        index.yanked["Robot_Arm-2.1.0rc1-py2.py3-none-any.whl"] = ""
        index.upload_time["Robot_Arm-1.0.0-py2.py3-none-any.whl"] = "2024-01-02T03:04:05Z"
        files = simple.fetch_project(index.url, "robot-arm")
    assert files is not None
    got = _by_name(files)
    assert sorted(got) == [
        "Robot_Arm-1.0.0-py2.py3-none-any.whl",
        "Robot_Arm-2.0.0-py2.py3-none-any.whl",
        "Robot_Arm-2.1.0rc1-py2.py3-none-any.whl",
    ]
    first = got["Robot_Arm-1.0.0-py2.py3-none-any.whl"]
    assert first.url == index.file_url(first.filename)  # absolute, no fragment
    assert first.sha256 == _sha(os.path.join(wheels, first.filename))
    assert first.yanked and first.yanked_reason == "broke the arm"
    assert first.index == index.url
    assert got["Robot_Arm-2.0.0-py2.py3-none-any.whl"].requires_python == ">=3.99,<4"
    assert not got["Robot_Arm-2.0.0-py2.py3-none-any.whl"].yanked
    rc = got["Robot_Arm-2.1.0rc1-py2.py3-none-any.whl"]
    assert rc.yanked and rc.yanked_reason is None
    # Only PEP 691 JSON carries upload times: proof of which format was read.
    assert first.upload_time == ("2024-01-02T03:04:05Z" if as_json else None)
    accepts = {accept for _, accept in index.requests}
    assert accepts == {simple.ACCEPT}


def test_html_without_hashes_is_hashed_by_download(wheels: str) -> None:
    with IndexServer(wheels, json=False, hashes=False) as index:
        files = simple.fetch_project(index.url, "other")
        assert files is not None and len(files) == 1
        assert files[0].hashes == {}
        digest = simple.file_sha256(files[0])
    assert digest == _sha(os.path.join(wheels, "Other-0.1-py2.py3-none-any.whl"))
    assert any(path.startswith("/files/") for path, _ in index.requests)


def test_unknown_project_is_not_on_the_index(wheels: str) -> None:
    with IndexServer(wheels) as index:
        assert simple.fetch_project(index.url, "nothing-here") is None
        page = simple.fetch_many([index.url], "nothing-here")
    assert not page.found and page.files == ()


def test_name_is_normalized_in_the_url(wheels: str) -> None:
    with IndexServer(wheels) as index:
        files = simple.fetch_project(index.url, "ROBOT.arm")
        assert files is not None and len(files) == 3
        assert index.requests[0][0] == "/simple/robot-arm/"


def test_down_is_one_sentence_in_bounded_time(wheels: str) -> None:
    with IndexServer(wheels) as index:
        index.down = True
        started = time.monotonic()
        with pytest.raises(Unreachable) as err:
            simple.fetch_project(index.url, "other", timeout=5)
    assert time.monotonic() - started < 5
    message = str(err.value)
    assert "127.0.0.1" in message and "\n" not in message


def test_closed_port_is_connection_refused(wheels: str) -> None:
    with IndexServer(wheels) as index:
        url = index.url
    with pytest.raises(Unreachable, match="connection refused"):
        simple.fetch_project(url, "other", timeout=5)


def test_slow_server_times_out(wheels: str) -> None:
    with IndexServer(wheels) as index:
        index.delay = 3
        started = time.monotonic()
        with pytest.raises(Unreachable, match=r"127\.0\.0\.1"):
            simple.fetch_project(index.url, "other", timeout=0.5)
        assert time.monotonic() - started < 2.5


@pytest.mark.parametrize(
    ("body", "ctype", "words"),
    [
        (b"\x00\x01\x02 not a page", "application/octet-stream", "not a project page"),
        (b"{not json", "application/vnd.pypi.simple.v1+json", "not valid JSON"),
        (b'{"files": 3}', "application/vnd.pypi.simple.v1+json", "no list of files"),
        (b'{"meta": {"api-version": "2.0"}, "files": []}', "application/vnd.pypi.simple.v1+json", "only 1.x"),
        (b'<meta name="pypi:repository-version" content="3.0">', "text/html", "only 1.x"),
        (b"plain words, no markup", "text/html", "not HTML"),
    ],
)
def test_garbage_is_one_sentence(wheels: str, body: bytes, ctype: str, words: str) -> None:
    with IndexServer(wheels) as index:
        index.garbage, index.garbage_type = body, ctype
        with pytest.raises(simple.BadAnswer) as err:
            simple.fetch_project(index.url, "other")
    assert words in str(err.value)
    assert "\n" not in str(err.value)


def test_server_error_status_is_named(wheels: str) -> None:
    with (
        IndexServer(wheels, json=False, html=False) as index,
        pytest.raises(simple.BadAnswer, match="answered 406"),
    ):
        simple.fetch_project(index.url, "other")


def test_extra_indexes_are_pooled_main_first(tmp_path) -> None:
    main, extra = str(tmp_path / "main"), str(tmp_path / "extra")
    story.build_wheel(main, "Arm", "1.0")
    story.build_wheel(extra, "Arm", "1.0")
    story.build_wheel(extra, "Arm", "2.0")
    with IndexServer(main, json=False) as one, IndexServer(extra) as two:
        page = simple.fetch_many([one.url, two.url, one.url], "arm")
        assert one.project_requests("arm") == 1  # an index named twice is asked once
    assert page.found and page.indexes == (one.url, two.url)
    assert [(f.filename, f.index) for f in page.files] == [
        ("Arm-1.0-py2.py3-none-any.whl", one.url),
        ("Arm-1.0-py2.py3-none-any.whl", two.url),
        ("Arm-2.0-py2.py3-none-any.whl", two.url),
    ]
    assert [f.filename for f in simple.files_for(page.files, "ARM", "2")] == ["Arm-2.0-py2.py3-none-any.whl"]


def test_one_index_down_others_answer(tmp_path) -> None:
    story.build_wheel(str(tmp_path / "w"), "Arm", "1.0")
    with IndexServer(str(tmp_path / "w")) as good, IndexServer(str(tmp_path / "w")) as bad:
        bad.down = True
        page = simple.fetch_many([bad.url, good.url], "arm", timeout=5)
        assert page.found and len(page.files) == 1
        assert len(page.problems) == 1 and "127.0.0.1" in page.problems[0]
        with pytest.raises(Unreachable):
            simple.fetch_many([bad.url], "arm", timeout=5)


def test_html_quirks() -> None:
    page = b"""<html><head><base href="https://files.example/base/"></head><body>
    <a href="pkg-1.0.tar.gz#md5=abc&amp;sha256=ABCDEF">pkg-1.0.tar.gz</a>
    <a>no href</a>
    <a href="../up/pkg-1.1-py3-none-any.whl#sha256=not-hex" data-requires-python="&gt;=3.8">x</a>
    <A HREF="https://other.example/pkg%2B1-2.0.zip">pkg+1-2.0.zip</A>
    </body></html>"""
    files = simple.parse_page(page, "text/html", "https://index.example/simple/pkg/")
    assert [(f.filename, f.url, dict(f.hashes)) for f in files] == [
        ("pkg-1.0.tar.gz", "https://files.example/base/pkg-1.0.tar.gz", {"md5": "abc", "sha256": "abcdef"}),
        ("pkg-1.1-py3-none-any.whl", "https://files.example/up/pkg-1.1-py3-none-any.whl", {}),
        ("pkg+1-2.0.zip", "https://other.example/pkg%2B1-2.0.zip", {}),
    ]
    assert files[1].requires_python == ">=3.8"


def test_huge_html_parses_quickly() -> None:
    # Nested or unclosed markup must not make the parser backtrack.
    pages = [
        b"<a href='x-1.0.tar.gz'" + b"<" * 200_000 + b"</a>" + b"<a href=" * 50_000,
        b'<a href="' * 100_000,
        b'<a href="x>' * 20_000,
        b"<!--<a " * 100_000,
    ]
    for page in pages:
        started = time.monotonic()
        simple.parse_page(page, "text/html", "https://index.example/simple/x/")
        assert time.monotonic() - started < 3


def test_parse_filename() -> None:
    wheel = simple.parse_filename("Robot_Arm-2.0.0-1-cp311-cp311-manylinux_2_17_x86_64.whl")
    assert wheel is not None and wheel.name == "robot-arm" and wheel.version == Version("2.0.0")
    assert wheel.tags is not None and any(t.interpreter == "cp311" for t in wheel.tags)
    sdist = simple.parse_filename("robot_arm-2.0.0.tar.gz")
    assert sdist is not None and sdist.tags is None and sdist.version == Version("2")
    assert simple.parse_filename("robot_arm-2.0.0-py2.7.egg") is None
    assert simple.parse_filename("not a wheel.whl") is None


def test_local_index_folder(tmp_path, wheels: str) -> None:
    """A ``file://`` index (a folder of project pages) is read as pip reads it."""
    root = tmp_path / "simple"
    (root / "other").mkdir(parents=True)
    target = os.path.join(wheels, "Other-0.1-py2.py3-none-any.whl")
    (root / "other" / "index.html").write_text(
        f'<a href="file://{target}">Other-0.1-py2.py3-none-any.whl</a>'
    )
    files = simple.fetch_project(root.as_uri(), "other")
    assert files is not None and files[0].url == f"file://{target}"
    assert simple.file_sha256(files[0]) == _sha(target)
    assert simple.fetch_project(root.as_uri(), "missing") is None


def test_sha256_of_a_local_file_refuses_a_pipe(tmp_path) -> None:
    fifo = tmp_path / "pipe.whl"
    os.mkfifo(fifo)
    with pytest.raises(BadInput, match="named pipe"):
        simple.sha256_of_file(str(fifo))


# -- pip's configuration ------------------------------------------------------------------------


def _write(path, text: str) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    return str(path)


@pytest.fixture
def home(tmp_path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A user of their own; the system-wide file moved into the test's folder."""
    monkeypatch.setattr(pipconf, "ETC_PIP_CONF", str(tmp_path / "etc" / "pip.conf"))
    return {
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / ".config"),
        "XDG_CONFIG_DIRS": str(tmp_path / "etc-xdg"),
    }


def test_pip_configuration_order(tmp_path, home: dict[str, str]) -> None:
    prefix = str(tmp_path / "floor")
    legacy = _write(
        os.path.join(home["HOME"], ".pip", "pip.conf"), "[global]\nindex-url = https://legacy/simple\n"
    )
    new = _write(
        os.path.join(home["XDG_CONFIG_HOME"], "pip", "pip.conf"),
        "[global]\nindex-url = https://user/simple\nextra-index-url =\n  https://x1/simple\n  https://x2/simple\n",
    )
    site = _write(os.path.join(prefix, "pip.conf"), "[install]\nfind-links = /wheels /more\n")
    etc = _write(pipconf.ETC_PIP_CONF, "[global]\nindex-url = https://etc/simple\nfind-links = /etc-wheels\n")
    settings = pipconf.pip_settings(prefix, home)
    assert settings.index_url == "https://user/simple"  # the new user file beats the legacy one
    assert settings.extra_index_urls == ("https://x1/simple", "https://x2/simple")
    assert settings.find_links == ("/wheels", "/more")
    assert settings.files == (etc, legacy, new, site)
    assert settings.index_urls == ("https://user/simple", "https://x1/simple", "https://x2/simple")
    # [install] beats [global] whatever file each is in; a PIP_ variable beats every file.
    _write(os.path.join(prefix, "pip.conf"), "[install]\nindex-url = https://site-install/simple\n")
    _write(os.path.join(home["XDG_CONFIG_DIRS"], "pip", "pip.conf"), "[global]\nno-index = true\n")
    settings = pipconf.pip_settings(prefix, home)
    assert settings.index_url == "https://site-install/simple" and settings.no_index
    assert settings.index_urls == ()
    settings = pipconf.pip_settings(
        prefix, {**home, "PIP_INDEX_URL": "https://env/simple", "PIP_NO_INDEX": "false"}
    )
    assert settings.index_url == "https://env/simple" and not settings.no_index
    assert pipconf.pip_settings(
        prefix, {**home, "PIP_EXTRA_INDEX_URL": "https://a https://b"}
    ).extra_index_urls == (
        "https://a",
        "https://b",
    )


def test_pip_config_file_variable(tmp_path, home: dict[str, str]) -> None:
    _write(
        os.path.join(home["XDG_CONFIG_HOME"], "pip", "pip.conf"),
        "[global]\nindex-url = https://user/simple\n",
    )
    named = _write(tmp_path / "mine.conf", "[global]\nextra-index-url = https://mine/simple\n")
    settings = pipconf.pip_settings(None, {**home, "PIP_CONFIG_FILE": named})
    # An existing PIP_CONFIG_FILE hides the user's files.
    assert settings.index_url == simple.PYPI and settings.extra_index_urls == ("https://mine/simple",)
    assert pipconf.pip_settings(None, {**home, "PIP_CONFIG_FILE": os.devnull}).files == ()
    missing = pipconf.pip_settings(None, {**home, "PIP_CONFIG_FILE": str(tmp_path / "none.conf")})
    assert missing.index_url == "https://user/simple"


def test_pip_agrees(tmp_path, home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """pip itself reads the same files the same way (``pip config list``)."""
    monkeypatch.setattr(pipconf, "ETC_PIP_CONF", "/etc/pip.conf")  # the one pip reads too
    prefix = str(tmp_path / "floor")
    story.make_venv(prefix)
    _write(os.path.join(home["HOME"], ".pip", "pip.conf"), "[global]\nindex-url = https://legacy/simple\n")
    _write(
        os.path.join(home["XDG_CONFIG_HOME"], "pip", "pip.conf"),
        "[global]\nindex-url = https://user/simple\n",
    )
    _write(os.path.join(prefix, "pip.conf"), "[global]\nextra-index-url = https://site/simple\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "XDG_"))}
    env.update(home, PIP_DISABLE_PIP_VERSION_CHECK="1")
    out = subprocess.run(
        [sys.executable, "-m", "pip", "--python", story.env_python(prefix), "config", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if out.returncode != 0:
        pytest.skip(f"pip config list failed here: {out.stderr.strip()[-200:]}")
    listed = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    settings = pipconf.pip_settings(
        prefix, {k: v for k, v in env.items() if k != "PIP_DISABLE_PIP_VERSION_CHECK"}
    )
    assert listed["global.index-url"].strip("'") == settings.index_url == "https://user/simple"
    assert (listed["global.extra-index-url"].strip("'"),) == settings.extra_index_urls


def test_broken_pip_conf_is_one_sentence(tmp_path, home: dict[str, str]) -> None:
    prefix = str(tmp_path / "floor")
    _write(os.path.join(prefix, "pip.conf"), "[global]\nindex-url = https://a\n[global]\n")
    with pytest.raises(BadInput) as err:
        pipconf.pip_settings(prefix, home)
    assert (
        str(err.value)
        == f"{prefix}/pip.conf, line 3: not a valid pip configuration file (section [global] given twice)"
    )
    _write(os.path.join(prefix, "pip.conf"), "index-url = https://a\n")
    with pytest.raises(BadInput, match=r"line 1: .*before any"):
        pipconf.pip_settings(prefix, home)


def test_unreadable_pip_conf_is_passed_over(tmp_path, home: dict[str, str]) -> None:
    prefix = str(tmp_path / "floor")
    os.makedirs(os.path.join(prefix, "pip.conf"))  # a folder where the file would be
    assert pipconf.pip_settings(prefix, home).index_url == simple.PYPI


def test_command_line_options_win(home: dict[str, str]) -> None:
    settings = pipconf.pip_settings(None, {**home, "PIP_INDEX_URL": "https://env", "PIP_FIND_LINKS": "/w"})
    given = pipconf.with_options(settings, index_url="https://cli", extra_index_urls=["https://more"])
    assert given.index_urls == ("https://cli", "https://more") and given.find_links == ("/w",)
    # pip adds list options given on the command line to the configured ones.
    both = pipconf.with_options(given, extra_index_urls=["https://third"], find_links=["/x", "/w"])
    assert both.extra_index_urls == ("https://more", "https://third") and both.find_links == ("/w", "/x")
    assert pipconf.with_options(settings, no_index=True).index_urls == ()


def test_floor_prefix(tmp_path) -> None:
    assert pipconf.floor_prefix("/x/env/bin/python", "/x/env", True) == "/x/env"
    base = tmp_path / "py" / "bin"
    base.mkdir(parents=True)
    (base / "python3").touch()
    assert pipconf.floor_prefix(str(base / "python3"), str(base / "python3"), False) == str(tmp_path / "py")


def test_commented_link_stays_out() -> None:
    page = b'<!-- <a href="old-0.1.tar.gz">old</a> --><a href="new-1.0.tar.gz">new</a> 1 < 2 <!-- open'
    files = simple.parse_page(page, "text/html", "https://index.example/simple/x/")
    assert [f.filename for f in files] == ["new-1.0.tar.gz"]
