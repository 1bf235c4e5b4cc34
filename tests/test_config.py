"""Settings resolve as defaults < revhub.toml < REVHUB_* environment < flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from revhub.config import default_config_text, load_settings
from revhub.errors import ConfigError, UnknownSettingError


def write(ws: Path, text: str) -> Path:
    (ws / "revhub.toml").write_text(text)
    return ws


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, env={})
    assert settings.engine.kind == "duckdb"
    assert settings.database_path == tmp_path / "revhub.duckdb"
    assert settings.demo.months == 36


def test_each_layer_overrides_the_one_before(tmp_path: Path) -> None:
    write(tmp_path, "[engine]\nthreads = 1\nmemory_limit = '1GB'\n[demo]\nseed = 1\n")
    env = {"REVHUB_ENGINE__THREADS": "2", "REVHUB_DEMO__SEED": "2", "HOME": "/x"}
    flags = {"engine": {"threads": 3, "memory_limit": None}}
    settings = load_settings(tmp_path, env=env, overrides=flags)
    assert settings.engine.threads == 3  # flag beats env beats file
    assert settings.demo.seed == 2  # env beats file
    assert settings.engine.memory_limit == "1GB"  # file beats default; None flag = not given


def test_misspelt_key_in_file_is_refused_with_a_suggestion(tmp_path: Path) -> None:
    write(tmp_path, "[engine]\nthreds = 2\n")
    with pytest.raises(
        UnknownSettingError, match=r"engine\.threds.*Did you mean `engine\.threads`"
    ):
        load_settings(tmp_path, env={})


def test_misspelt_environment_variable_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownSettingError, match="environment"):
        load_settings(tmp_path, env={"REVHUB_ENGIN__THREADS": "2"})


def test_bad_value_names_the_key(tmp_path: Path) -> None:
    write(tmp_path, "[engine]\nthreads = 0\n")
    with pytest.raises(ConfigError, match=r"`engine\.threads`"):
        load_settings(tmp_path, env={})
    write(tmp_path, "[engine]\nkind = 'oracle'\n")
    with pytest.raises(ConfigError, match=r"engine\.kind"):
        load_settings(tmp_path, env={})


def test_invalid_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    write(tmp_path, "[engine\n")
    with pytest.raises(ConfigError, match=r"revhub\.toml.*not valid TOML"):
        load_settings(tmp_path, env={})


def test_secrets_are_refused_in_the_file_and_pointed_to_the_environment(tmp_path: Path) -> None:
    write(tmp_path, "salesforce_token = 'abc'\n")
    with pytest.raises(ConfigError, match="REVHUB_SALESFORCE_TOKEN"):
        load_settings(tmp_path, env={})


def test_the_default_file_round_trips(tmp_path: Path) -> None:
    write(tmp_path, default_config_text())
    assert load_settings(tmp_path, env={}) == load_settings(
        tmp_path / "missing", env={}
    ).model_copy(update={"workspace": tmp_path})
