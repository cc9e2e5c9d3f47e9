"""Every benchmark still runs: each script, at a tiny size, in a subprocess, prints its figures and
exits 0 (so they never rot between the runs that measure). PostgreSQL is used when
NHACVIEC_TEST_POSTGRES_URL is set, as in CI; otherwise SQLite only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
POSTGRES_URL = os.environ.get("NHACVIEC_TEST_POSTGRES_URL")
SEED = Path(__file__).resolve().parent / "data" / "seeds" / "000_b92c5b1fd6ee372b.txt"
"""One seed document (a copy: tests never read the shared folder), whose hand plan is in plans/."""


def databases() -> list[str]:
    if POSTGRES_URL:
        return ["--databases", "sqlite,postgresql", "--postgres-url", POSTGRES_URL]
    return ["--databases", "sqlite"]


def run(script: str, *args: str, timeout: float = 600, exit_codes: tuple[int, ...] = (0,)) -> str:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=BENCHMARKS.parent,
    )
    assert result.returncode in exit_codes, (
        f"{script} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def each_database(output: str, pattern: str) -> None:
    """`pattern` is printed once per database the benchmark ran on."""
    found = re.findall(pattern, output)
    assert len(found) == (2 if POSTGRES_URL else 1), output


def test_sync() -> None:
    output = run("sync.py", "--copies", "1", *databases())
    assert re.search(r"YAML, 5 files: read_yaml [\d.]+ s CPU; PyYAML pure-Python SafeLoader [\d.]+ s", output)
    each_database(output, r"plans sync, first [\d.]+ s \(CPU [\d.]+ s, peak \d+ MiB\)")
    each_database(output, r"nothing changed: [\d.]+ s .*; every file compared as before: [\d.]+ s .*× faster")
    each_database(output, r"one file edited: [\d.]+ s .*; run --once [\d.]+ s")
    assert "note: the" not in output  # both no-op syncs said "nothing changed"
    if POSTGRES_URL:
        assert "Ratio PostgreSQL / SQLite: first sync" in output


def test_schedule() -> None:
    output = run("schedule.py", "--tasks", "60", "--apscheduler-tasks", "20", *databases())
    each_database(output, r"ratio \(reminders/s\): nhacviec is [\d.]+× faster")
    each_database(output, r"second run \(idempotency\): 0 occurrences, 0 reminders added")
    if POSTGRES_URL:
        assert re.search(r"PostgreSQL alone, no client: .* with its foreign keys \([\d,]+ rows/s", output), (
            output
        )


def test_digest() -> None:
    output = run("digest.py", "--units", "12", "--tasks", "60", "--updates", "120", *databases())
    each_database(output, r"ratio naive / ours: [\d.]+×")
    each_database(output, r"xlsx, ours: [\d.]+ s .* peak \d+ MB")
    each_database(output, r"xlsx ratio before / ours: [\d.]+× the time")


def test_startup() -> None:
    output = run("startup.py", "--runs", "1")
    assert re.search(r'nhacviec deadline --ref 2017-01-10 "quý II/2017": \d+ ms', output)
    assert "30/06/2017" in output


def test_deadlines() -> None:
    # deadlines.py exits 1 when a speed target is missed, which 0.05 s per parser on a busy
    # machine may do (12,000 phrases/s seen under load): the smoke asks for its figures, as
    # for dispatch below.
    output = run("deadlines.py", "--seconds", "0.05", exit_codes=(0, 1))
    assert re.search(r"nhacviec phrases/s >= [\d,]+ +[\d,]+ +(ok|BELOW TARGET)", output), output


def test_dispatch() -> None:
    # dispatch.py exits 1 when its targets are missed, which a short run on a busy machine may do
    # (90 messages to 90 chats usually meet them): the smoke asks that it runs to its figures.
    output = run("dispatch.py", "--messages", "90", "--chats", "90", exit_codes=(0, 1))
    assert "ratio nhacviec/naive" in output and re.search(r"targets \(.*\): (met|NOT met)", output)


def test_dispatch_processes() -> None:
    if not POSTGRES_URL:
        pytest.skip("the shared flood limits need PostgreSQL (NHACVIEC_TEST_POSTGRES_URL)")
    # Exit 1 when "2 processes not slower than 1" is missed, which a short run on a busy machine
    # may do: the smoke asks that every run reaches its figures.
    output = run(
        "dispatch_processes.py",
        *("--messages", "30", "--chats", "30", "--processes", "1", "2", "--postgres", POSTGRES_URL),
        exit_codes=(0, 1),
    )
    assert re.search(r"2 process\(es\): shared/per-process time", output), output
    assert re.search(r"targets \(shared: .*\): (met|NOT met)", output), output


def test_import_accuracy() -> None:
    output = run("import_accuracy.py", str(SEED), "--pages", "3")
    assert re.search(r"overall +\d+\.\d% \(\d+/\d+\)", output), output
    assert re.search(r"synthetic \d+-page document as \.pdf: imported in [\d.]+ s CPU", output), output


def test_checkins() -> None:
    output = run(
        "checkins.py",
        *("--plans", "binhdinh-ctr-tu-cchc-2021", "--days", "8", "--people", "60", "--items", "3"),
        *databases(),
    )
    assert re.search(r"binhdinh-ctr-tu-cchc-2021 +\d+ +\d+ +\d+ +(\d+\.\d×|—)", output), output
    each_database(output, r"check-ins \(ours\) [\d.]+ s for 60 messages; .* for 180 messages; ratio")
