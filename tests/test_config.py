"""The settings file: read, never written; a file that cannot be used is named once and the
defaults stand in, whatever it is (broken TOML, wrong types, a pipe, a folder, no permission)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import threading

import pytest

import venv_tui
from venv_tui.config import Config, config_path, load_config, read_config
from venv_tui.errors import BadInput

pytestmark = pytest.mark.services


def test_no_file_means_the_defaults_and_no_warning(tmp_path) -> None:
    config = load_config(str(tmp_path / "config.toml"))
    assert config == Config()
    assert config.warning is None
    assert config.index_cache_hours == 6 and config.audit_service_url is None


def test_the_config_folder_follows_its_environment_variable(tmp_path) -> None:
    environ = {"VENV_TUI_CONFIG_DIR": str(tmp_path / "conf")}
    assert config_path(environ) == str(tmp_path / "conf" / "config.toml")


def test_every_key_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    path = tmp_path / "config.toml"
    path.write_text(
        "\n".join(
            [
                'roots = ["~/envs", "/srv/envs"]',
                'envs_folder = "~/new-envs"',
                "scan_depth = 5",
                'shell = "/bin/zsh"',
                'interpreters = ["/opt/python3.14/bin/python3.14"]',
                'watch = ["/srv/robot.py"]',
                "index_cache_hours = 24",
                'audit_service_url = "http://127.0.0.1:9/v1"',
                'future_key = "ignored"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    config = load_config(str(path))
    assert config.warning is None
    assert config == Config(
        roots=(str(tmp_path / "envs"), "/srv/envs"),
        envs_folder=str(tmp_path / "new-envs"),
        scan_depth=5,
        shell="/bin/zsh",
        interpreters=("/opt/python3.14/bin/python3.14",),
        watch=("/srv/robot.py",),
        index_cache_hours=24,
        audit_service_url="http://127.0.0.1:9/v1",
    )


def test_home_and_variables_in_paths_are_expanded(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ENVS_ROOT", "/srv/envs")
    path = tmp_path / "config.toml"
    path.write_text('roots = ["~/envs", "$ENVS_ROOT/team"]\n', encoding="utf-8")
    assert load_config(str(path)).roots == (str(tmp_path / "envs"), "/srv/envs/team")


def test_a_byte_order_mark_is_accepted(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbfscan_depth = 7\n")
    config = load_config(str(path))
    assert config.warning is None and config.scan_depth == 7


def _assert_defaults_with_warning(config: Config, *words: str) -> None:
    assert config == Config()
    assert config.warning is not None
    for word in words:
        assert word in config.warning, config.warning
    assert "\n" not in config.warning
    assert config.warning.endswith("the defaults are used")


def test_broken_toml_gives_the_defaults_with_its_line_and_is_left_untouched(tmp_path) -> None:
    path = tmp_path / "config.toml"
    data = b'scan_depth = 2\nroots = ["/a",\nshell = "bash"\n'
    path.write_bytes(data)
    config = load_config(str(path))
    _assert_defaults_with_warning(config, f"{path}, line 3: the config file is not valid TOML")
    assert path.read_bytes() == data
    # The strict reader says the same as an exception, for callers that must stop.
    with pytest.raises(BadInput, match="line 3: the config file is not valid TOML"):
        read_config(str(path))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('roots = "/one/folder"\n', "line 1: 'roots' must be a list of strings"),
        ("roots = [1, 2]\n", "'roots' must be a list of strings"),
        ("shell = 7\n", "'shell' must be a string"),
        ("scan_depth = true\n", "'scan_depth' must be a whole number from 0 to 20"),
        ("scan_depth = 99\n", "'scan_depth' must be a whole number from 0 to 20"),
        ('scan_depth = "3"\n', "'scan_depth' must be a whole number from 0 to 20"),
        ("index_cache_hours = -1\n", "'index_cache_hours' must be a whole number"),
        ('audit_service_url = "file:///etc/passwd"\n', "'audit_service_url' must be an http"),
        ('# settings\nshell = "/bin/sh"\nroots = "x"\n', "line 3: 'roots' must be a list"),
        ('roots = ["/a\\u0000b"]\n', "'roots' must be a list of paths without NUL characters"),
        ('envs_folder = "/a\\u0000b"\n', "'envs_folder' must be a string without NUL characters"),
    ],
)
def test_wrong_types_give_the_defaults_and_are_named(tmp_path, text: str, words: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(str(path))
    _assert_defaults_with_warning(config, str(path), words)
    assert path.read_text(encoding="utf-8") == text


def test_deeply_nested_arrays_are_one_sentence(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("roots = " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    config = load_config(str(path))
    _assert_defaults_with_warning(config, str(path))
    assert "nested too deeply" in (config.warning or "") or "not valid TOML" in (config.warning or "")


def test_a_file_that_is_not_text_is_named(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00roots")
    _assert_defaults_with_warning(load_config(str(path)), str(path), "not UTF-8 text")


def test_a_folder_in_place_of_the_file(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    _assert_defaults_with_warning(load_config(str(path)), str(path), "not a regular file (a folder)")
    assert path.is_dir()


def test_a_named_pipe_in_place_of_the_file_does_not_hang(tmp_path) -> None:
    path = tmp_path / "config.toml"
    os.mkfifo(path)
    box: list[Config] = []
    reader = threading.Thread(target=lambda: box.append(load_config(str(path))), daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "reading a named pipe as the config hung"
    _assert_defaults_with_warning(box[0], str(path), "not a regular file (a named pipe)")
    assert stat.S_ISFIFO(os.stat(path).st_mode)


def _source_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(venv_tui.__file__)))


def _run_as_nobody(code: str, *, cwd: str) -> subprocess.CompletedProcess[str]:
    """``code`` in a Python run as the user ``nobody`` (the test runs as root)."""
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if python is None:
        pytest.skip("no system python3 that another user may run")
    return subprocess.run(
        [python, "-c", code],
        user="nobody",
        cwd=cwd,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": _source_root(), "HOME": cwd},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_a_file_without_permission_says_permission_denied(tmp_path) -> None:
    import tempfile

    if os.geteuid() != 0:
        pytest.skip("needs root, to read the file as another user (nobody)")
    folder = tempfile.mkdtemp(prefix="venv-tui-perm-")
    try:
        os.chmod(folder, 0o755)
        path = os.path.join(folder, "config.toml")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("scan_depth = 4\n")
        os.chmod(path, 0o000)
        code = (
            "import json, sys\n"
            "sys.version_info >= (3, 11) or sys.exit(3)\n"
            "from venv_tui.config import load_config, Config\n"
            f"c = load_config({path!r})\n"
            "print(json.dumps([c.warning, c == Config()]))\n"
        )
        done = _run_as_nobody(code, cwd=folder)
        if done.returncode == 3:
            pytest.skip("the system python3 is older than 3.11 (no tomllib)")
        if done.returncode != 0 and "Permission denied" in done.stderr and "venv_tui" in done.stderr:
            pytest.skip("the source tree is not readable by the user nobody")
        assert done.returncode == 0, done.stderr
        warning, defaults = json.loads(done.stdout)
        assert defaults is True
        assert warning == f"{path}: the config file cannot be read: permission denied; the defaults are used"
        assert stat.S_IMODE(os.stat(path).st_mode) == 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_config_folder_that_is_a_file_is_named(tmp_path) -> None:
    blocker = tmp_path / "conf"
    blocker.write_text("not a folder")
    config = load_config(environ={"VENV_TUI_CONFIG_DIR": str(blocker)})
    _assert_defaults_with_warning(config, str(blocker / "config.toml"), "a part of the path is not a folder")
    assert blocker.read_text() == "not a folder"


def test_a_nul_byte_in_the_config_folder_variable_is_named() -> None:
    config = load_config(environ={"VENV_TUI_CONFIG_DIR": "/tmp/a\0b"})
    _assert_defaults_with_warning(config, "NUL byte")


def test_services_hand_the_warning_to_the_app(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from venv_tui.services import make_services

    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text("scan_depth = \n", encoding="utf-8")
    monkeypatch.setenv("VENV_TUI_CONFIG_DIR", str(path.parent))
    services = make_services()
    assert services.config.scan_depth == 3
    assert services.config.warning is not None
    assert services.config.warning.startswith(f"{path}, line 1: the config file is not valid TOML")


def test_the_config_module_writes_nothing() -> None:
    import venv_tui.config as config

    assert not hasattr(config, "save_config")
