"""The settings file: saved and read back, broken files reported and never rewritten."""

from __future__ import annotations

import os

import pytest

from venv_tui.config import Config, config_path, load_config, save_config
from venv_tui.errors import BadInput


def test_no_file_means_the_defaults(tmp_path) -> None:
    assert load_config(str(tmp_path / "config.toml")) == Config()


def test_the_config_folder_follows_its_environment_variable(tmp_path) -> None:
    environ = {"VENV_TUI_CONFIG_DIR": str(tmp_path / "conf")}
    assert config_path(environ) == str(tmp_path / "conf" / "config.toml")


def test_save_then_load_gives_the_same_settings(tmp_path) -> None:
    config = Config(
        roots=(str(tmp_path / "envs"), str(tmp_path / "more envs")),
        envs_folder=str(tmp_path / "new-envs"),
        scan_depth=5,
        shell="/bin/zsh",
        interpreters=(str(tmp_path / "python3.12"),),
        watch=(str(tmp_path / "robot_one.py"),),
    )
    path = str(tmp_path / "sub" / "config.toml")
    assert save_config(config, path) == path
    assert load_config(path) == config
    # Saved into the folder the environment variable names when no path is given.
    written = save_config(Config(scan_depth=2))
    assert written == config_path()
    assert load_config() == Config(scan_depth=2)


def test_home_and_variables_in_paths_are_expanded(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ENVS_ROOT", "/srv/envs")
    path = tmp_path / "config.toml"
    path.write_text('roots = ["~/envs", "$ENVS_ROOT/team"]\n', encoding="utf-8")
    assert load_config(str(path)).roots == (str(tmp_path / "envs"), "/srv/envs/team")


def test_a_broken_file_is_reported_with_its_line_and_left_untouched(tmp_path) -> None:
    path = tmp_path / "config.toml"
    data = b'scan_depth = 2\nroots = ["/a",\nshell = "bash"\n'
    path.write_bytes(data)
    with pytest.raises(BadInput) as caught:
        load_config(str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}, line 3: the config file is not valid TOML")
    assert "\n" not in message
    assert path.read_bytes() == data


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('roots = "/one/folder"\n', "'roots' must be a list of strings"),
        ("roots = [1, 2]\n", "'roots' must be a list of strings"),
        ("shell = 7\n", "'shell' must be a string"),
        ("scan_depth = true\n", "'scan_depth' must be a whole number from 0 to 20"),
        ("scan_depth = 99\n", "'scan_depth' must be a whole number from 0 to 20"),
        ('scan_depth = "3"\n', "'scan_depth' must be a whole number from 0 to 20"),
    ],
)
def test_wrong_types_are_named(tmp_path, text: str, words: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BadInput, match=words) as caught:
        load_config(str(path))
    assert str(caught.value).startswith(str(path))
    assert path.read_text(encoding="utf-8") == text


def test_a_file_that_is_not_text_is_reported(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xff\xfe\x00roots")
    with pytest.raises(BadInput, match="not UTF-8 text"):
        load_config(str(path))


def test_a_failing_write_leaves_the_previous_file_intact(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config.toml"
    save_config(Config(scan_depth=4), str(path))
    before = path.read_bytes()

    def disk_full(src: str, dst: str) -> None:  # a fault at the very last step
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(BadInput, match=r"could not be written \(No space left on device"):
        save_config(Config(scan_depth=9), str(path))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["config.toml"]  # no temporary file left behind
    assert load_config(str(path)) == Config(scan_depth=4)


def test_a_config_folder_that_is_a_file_fails_without_harm(tmp_path) -> None:
    blocker = tmp_path / "conf"
    blocker.write_text("not a folder")
    with pytest.raises(BadInput, match=r"config\.toml: the config file cannot be read"):
        save_config(Config(scan_depth=1), str(blocker / "config.toml"))
    assert blocker.read_text() == "not a folder"


def test_keys_this_version_does_not_know_survive_a_save(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('future_key = "kept"\nscan_depth = 2\n')
    save_config(Config(scan_depth=5), str(path))
    text = path.read_text()
    assert 'future_key = "kept"' in text
    assert load_config(str(path)) == Config(scan_depth=5)


def test_a_wrong_type_names_its_line(tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# settings\nshell = "/bin/sh"\nroots = "not a list"\n')
    with pytest.raises(BadInput, match=r"config.toml, line 3: 'roots' must be a list of strings"):
        load_config(str(path))
