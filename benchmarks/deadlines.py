"""Timing-phrase parsing: nhacviec against dateparser on the worked examples.

Run: `.venv/bin/python benchmarks/deadlines.py [--seconds 3]`

Reads `tests/data/deadlines.tsv`, parses every phrase with `parse_deadline`, with
`dateparser.parse` and with `dateparser.search.search_dates` (languages=["vi"], the row's
reference date as RELATIVE_BASE), and prints for each: accuracy on the rows whose answer is one
date (`"kind":"once"`), phrases per second on one core, and our speed as a multiple of theirs.
A dateparser answer is right when its date equals the expected due date (for search_dates: any
of the dates it found). Each parser runs whole passes over the phrases until `--seconds` of CPU
time have passed (at least one pass), so dateparser's part stays bounded; rates are phrases per
second of CPU time on one core.

It also prints our accuracy on every worked-example file `tests/data/deadlines*.tsv`, all kinds
counted: a row is right when the kind, and each of due / next three dates / freq / start the row
gives, is what the parser reads (the shared corpus, our extra rows, the phrase families of issue
#13, and real phrases from public pages).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.deadlines import Kind, occurrences, parse_deadline  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "deadlines.tsv"
TARGET_RATE = 20_000
TARGET_VS_SEARCH_DATES = 20.0
TARGET_VS_PARSE = 5.0


@dataclass(frozen=True)
class Row:
    ref: dt.date
    phrase: str
    due: dt.date | None
    """The expected due date of a `once` row; None for the other kinds."""


@dataclass(frozen=True)
class Result:
    name: str
    right: int
    once_rows: int
    rate: float
    """Phrases per second."""


def read_corpus(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ref, phrase, expected_json, _source = line.split("\t")
        expected: dict[str, Any] = json.loads(expected_json)
        due = dt.date.fromisoformat(expected["due"]) if expected["kind"] == "once" else None
        rows.append(Row(dt.date.fromisoformat(ref), phrase, due))
    return rows


def row_right(ref: dt.date, phrase: str, expected: dict[str, Any]) -> bool:
    deadline = parse_deadline(phrase, ref)
    if deadline.kind.value != expected["kind"]:
        return False
    rule = deadline.recurrence
    checks = {
        "due": lambda: deadline.due is not None and deadline.due.isoformat() == expected["due"],
        "start": lambda: deadline.start is not None and deadline.start.isoformat() == expected["start"],
        "freq": lambda: rule is not None and rule.freq.value == expected["freq"],
        "next": lambda: (
            rule is not None and [day.isoformat() for day in occurrences(rule, ref, 3)] == expected["next"]
        ),
    }
    return all(check() for key, check in checks.items() if key in expected)


def file_accuracy(path: Path) -> tuple[int, int]:
    right = total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ref, phrase, expected_json, _source = line.split("\t")
        total += 1
        right += row_right(dt.date.fromisoformat(ref), phrase, json.loads(expected_json))
    return right, total


def ours(row: Row) -> list[dt.date]:
    deadline = parse_deadline(row.phrase, row.ref)
    return [deadline.due] if deadline.kind is Kind.ONCE and deadline.due else []


def dateparser_parse(row: Row) -> list[dt.date]:
    import dateparser

    found = dateparser.parse(row.phrase, languages=["vi"], settings={"RELATIVE_BASE": _base(row)})
    return [found.date()] if found else []


def dateparser_search(row: Row) -> list[dt.date]:
    from dateparser.search import search_dates

    found = search_dates(row.phrase, languages=["vi"], settings={"RELATIVE_BASE": _base(row)})
    return [when.date() for _, when in found or []]


def _base(row: Row) -> dt.datetime:
    return dt.datetime.combine(row.ref, dt.time())


def measure(name: str, parse: Callable[[Row], list[dt.date]], rows: list[Row], seconds: float) -> Result:
    once_rows = [row for row in rows if row.due is not None]
    right = sum(1 for row in once_rows if row.due in parse(row))  # also warms up caches
    parsed = 0
    # CPU time of this (single-threaded, pinned) process: the rate on one core, whatever else
    # the machine is running.
    started = time.process_time()
    while True:
        for row in rows:
            parse(row)
        parsed += len(rows)
        elapsed = time.process_time() - started
        if elapsed >= seconds:
            break
    return Result(name, right, len(once_rows), parsed / elapsed)


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--seconds", type=float, default=3.0, help="time per parser (default 3)")
    args = options.parse_args()
    for path in sorted(CORPUS.parent.glob("deadlines*.tsv")):
        right, total = file_accuracy(path)
        print(f"{path.name:<26} all kinds: {right}/{total} ({right / total:.1%})")
    rows = read_corpus(CORPUS)
    once_rows = sum(row.due is not None for row in rows)
    print(f"corpus: {CORPUS.relative_to(ROOT)}: {len(rows)} phrases, {once_rows} once-rows")
    print(f"one core: {pin_to_one_core()}; {args.seconds:g} s per parser")
    results = [
        measure("nhacviec parse_deadline", ours, rows, args.seconds),
        measure("dateparser.parse", dateparser_parse, rows, args.seconds),
        measure("dateparser search_dates", dateparser_search, rows, args.seconds),
    ]
    print(f"{'parser':<26}{'accuracy (once rows)':>24}{'phrases/s':>14}")
    for result in results:
        accuracy = f"{result.right}/{result.once_rows} ({result.right / result.once_rows:.0%})"
        print(f"{result.name:<26}{accuracy:>24}{result.rate:>14,.0f}")
    mine, parse, search = results
    vs_parse, vs_search = mine.rate / parse.rate, mine.rate / search.rate
    checks = [
        (f"nhacviec phrases/s >= {TARGET_RATE:,}", f"{mine.rate:,.0f}", mine.rate >= TARGET_RATE),
        (
            f"speed vs search_dates >= {TARGET_VS_SEARCH_DATES:g}x",
            f"{vs_search:,.1f}x",
            vs_search >= TARGET_VS_SEARCH_DATES,
        ),
        (
            f"speed vs dateparser.parse >= {TARGET_VS_PARSE:g}x",
            f"{vs_parse:,.1f}x",
            vs_parse >= TARGET_VS_PARSE,
        ),
    ]
    for label, figure, ok in checks:
        print(f"{label:<40}{figure:>12}  {'ok' if ok else 'BELOW TARGET'}")
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
