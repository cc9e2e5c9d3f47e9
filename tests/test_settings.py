"""`.env.example` documents every setting, and settings load from the environment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from bot.settings import Settings, SettingsError, load_settings

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


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    assert env_names(Settings) == documented()


def test_there_is_one_settings_class() -> None:
    import bot

    readers = [
        path.relative_to(Path(bot.__file__).parent).as_posix()
        for path in Path(bot.__file__).parent.rglob("*.py")
        if "BaseSettings)" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["settings.py"]


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


@pytest.mark.parametrize(
    ("name", "value", "named"),
    [
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE='Mars/Olympus'"),
        ("NHACVIEC_LANGUAGE", "fr", "NHACVIEC_LANGUAGE='fr'"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL='LOUD'"),
        ("OUTBOX_LEASE_SECONDS", "5", "OUTBOX_LEASE_SECONDS=5"),
        ("TELEGRAM_WEBHOOK_PORT", "99999", "TELEGRAM_WEBHOOK_PORT='99999': không được lớn hơn 65535"),
    ],
)
def test_a_wrong_setting_is_one_line_that_names_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, named: str
) -> None:
    monkeypatch.chdir(ENV_EXAMPLE.parent.parent)
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert named in message and "\n" not in message


def test_the_log_level_is_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    assert load_settings().log_level == "DEBUG"
