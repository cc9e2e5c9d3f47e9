"""Unit and person references: a plan may name a unit by its id or by any of its names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from bot.plans.model import Directory, Person, Unit
from bot.plans.names import closest, name_key
from bot.plans.yamldoc import Loc


class UnitIndex:
    """Every folded id, name, short name and alias → its unit (the first one, if two clash)."""

    def __init__(self, units: list[Unit]) -> None:
        self.by_key: dict[str, Unit] = {}
        for unit in units:
            for name in (unit.id, unit.name, *unit.short, *unit.aliases):
                self.by_key.setdefault(name_key(name), unit)

    def find(self, reference: str) -> Unit | None:
        return self.by_key.get(name_key(reference))

    def suggest(self, reference: str) -> Unit | None:
        key = closest(reference, self.by_key)
        return self.by_key[key] if key is not None else None


class PersonIndex:
    def __init__(self, people: list[Person]) -> None:
        self.by_id = {person.id: person for person in people}
        self.by_key: dict[str, Person] = {}
        for person in people:
            self.by_key.setdefault(name_key(person.id), person)
            self.by_key.setdefault(name_key(person.name), person)

    def suggest(self, reference: str) -> Person | None:
        key = closest(reference, self.by_key)
        return self.by_key[key] if key is not None else None


def find_unit(directory: Directory, reference: str) -> Unit | None:
    """The unit whose id, name, short name or alias equals `reference`, ignoring case and diacritics."""
    return UnitIndex(directory.units).find(reference)


def _texts(data: dict[str, Any], key: str, loc: Loc, *, many: bool = False) -> Iterator[tuple[Loc, str]]:
    """The strings written under `key`: one value, or (`many`) each string of a list."""
    value = data.get(key)
    if isinstance(value, str):
        yield (*loc, key), value
    elif many and isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield (*loc, key, index), item


def _items(data: dict[str, Any], section: str) -> Iterator[tuple[Loc, dict[str, Any]]]:
    items = data.get(section)
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield (section, index), item


def unit_references(plan_data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    """Every unit reference in a plan as read from YAML (before validation), with its place."""
    yield from _texts(plan_data, "monitor", ())
    for section in ("tasks", "targets"):
        for loc, item in _items(plan_data, section):
            yield from _texts(item, "lead", loc)
            yield from _texts(item, "support", loc, many=True)
    for loc, item in _items(plan_data, "reporting"):
        yield from _texts(item, "who", loc, many=True)
        yield from _texts(item, "to", loc)


def person_references(plan_data: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
    yield from _texts(plan_data, "digest_to", (), many=True)


def item_ids(plan_data: dict[str, Any], section: str) -> Iterator[tuple[Loc, str]]:
    for loc, item in _items(plan_data, section):
        value = item.get("id")
        if isinstance(value, str):
            yield (*loc, "id"), value.strip()


def replace_at(data: Any, loc: Loc, value: str) -> None:
    """Put `value` at `loc` inside nested dicts and lists (the copy the models validate)."""
    target = data
    for part in loc[:-1]:
        target = target[part]
    target[loc[-1]] = value
