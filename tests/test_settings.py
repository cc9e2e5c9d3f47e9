"""`.env.example` documents every setting, and settings load from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from bot.channels.telegram_receive import TelegramReceiveSettings
from bot.channels.zalo_receive import ZaloReceiveSettings
from bot.engine.settings import EngineSettings
from bot.settings import Settings

ENV_EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


def env_names(settings_class: type[BaseSettings]) -> set[str]:
    names = set()
    for name, field in settings_class.model_fields.items():
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        names.add(str(choices[0]).upper() if choices else name.upper())
    return names


def documented() -> set[str]:
    pattern = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)
    return set(pattern.findall(ENV_EXAMPLE.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "settings_class", [Settings, EngineSettings, TelegramReceiveSettings, ZaloReceiveSettings]
)
def test_env_example_lists_every_setting(settings_class: type[BaseSettings]) -> None:
    assert env_names(settings_class) - documented() == set()


def test_language_is_not_read_from_the_posix_language_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ENV_EXAMPLE.parent.parent)  # no .env here
    monkeypatch.setenv("LANGUAGE", "en_US:en")
    monkeypatch.delenv("NHACVIEC_LANGUAGE", raising=False)
    assert Settings().language == "vi"
    monkeypatch.setenv("NHACVIEC_LANGUAGE", "en")
    assert Settings().language == "en"


def test_an_unknown_time_zone_is_refused_with_an_example(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMEZONE", "Asia/Hanoi_City")
    with pytest.raises(ValueError, match="Asia/Ho_Chi_Minh"):
        Settings()
