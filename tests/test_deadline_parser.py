"""The timing-phrase parser against worked examples: the shared corpus and our own extra rows.

Each row of `tests/data/deadlines.tsv` (a copy of the shared corpus),
`tests/data/deadlines_extra.tsv`, `tests/data/deadlines_families.tsv` (the phrase families of
issue #13) and `tests/data/deadlines_real.tsv` (real phrases from public pages) is its own test.
Columns: ref, phrase, expected JSON, source.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from bot.deadlines import Deadline, Kind, Problem, occurrences, parse_deadline

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[Any]:
    rows = []
    for number, line in enumerate((DATA / name).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        ref, phrase, expected, _source = line.split("\t")
        rows.append(
            pytest.param(dt.date.fromisoformat(ref), phrase, json.loads(expected), id=f"{name}:{number}")
        )
    return rows


def check(deadline: Deadline, phrase: str, ref: dt.date, expected: dict[str, Any]) -> None:
    assert deadline.kind == Kind(expected["kind"]), deadline
    if "due" in expected:
        assert deadline.due == dt.date.fromisoformat(expected["due"]), deadline
    if "time" in expected:
        assert deadline.time == dt.time.fromisoformat(expected["time"]), deadline
    if "start" in expected:
        assert deadline.start == dt.date.fromisoformat(expected["start"]), deadline
    if "ambiguous" in expected:
        assert deadline.ambiguous is expected["ambiguous"], deadline
    if "problem" in expected:
        assert deadline.problem == (Problem(expected["problem"]) if expected["problem"] else None), deadline
    if "span" in expected:
        assert deadline.span is not None, deadline
        assert phrase[deadline.span[0] : deadline.span[1]] == expected["span"], deadline
    rule = deadline.recurrence
    if deadline.kind is Kind.RECURRING:
        assert rule is not None, deadline
        if "freq" in expected:
            assert rule.freq.value == expected["freq"], deadline
        if "next" in expected:
            assert [d.isoformat() for d in occurrences(rule, ref, 3)] == expected["next"], deadline
        for key in ("day", "weekday", "window_start"):
            if key in expected:
                assert getattr(rule, key) == expected[key], deadline
        if "months" in expected:
            assert rule.months == tuple(expected["months"]), deadline
        if "exceptions" in expected:
            assert [list(pair) for pair in rule.exceptions] == expected["exceptions"], deadline
    else:
        assert rule is None, deadline
    if deadline.kind is not Kind.ONCE:
        assert deadline.due is None, deadline


@pytest.mark.parametrize(("ref", "phrase", "expected"), _rows("deadlines.tsv"))
def test_corpus_row(ref: dt.date, phrase: str, expected: dict[str, Any]) -> None:
    check(parse_deadline(phrase, ref), phrase, ref, expected)


@pytest.mark.parametrize(("ref", "phrase", "expected"), _rows("deadlines_extra.tsv"))
def test_extra_row(ref: dt.date, phrase: str, expected: dict[str, Any]) -> None:
    check(parse_deadline(phrase, ref), phrase, ref, expected)


@pytest.mark.parametrize(("ref", "phrase", "expected"), _rows("deadlines_families.tsv"))
def test_family_row(ref: dt.date, phrase: str, expected: dict[str, Any]) -> None:
    check(parse_deadline(phrase, ref), phrase, ref, expected)


@pytest.mark.parametrize(("ref", "phrase", "expected"), _rows("deadlines_real.tsv"))
def test_real_phrase_row(ref: dt.date, phrase: str, expected: dict[str, Any]) -> None:
    check(parse_deadline(phrase, ref), phrase, ref, expected)


def test_corpus_is_the_shared_one() -> None:
    # The copy must keep every row: 60-odd worked examples, all kinds represented.
    rows = _rows("deadlines.tsv")
    kinds = {row.values[2]["kind"] for row in rows}
    assert len(rows) >= 60
    assert kinds == {"once", "recurring", "continuous", "none"}
