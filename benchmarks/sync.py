"""A province's `plans sync`: the seed plans copied 100 times, on SQLite and on PostgreSQL.

Run: `.venv/bin/python benchmarks/sync.py [--copies 100] [--databases sqlite,postgresql]
[--postgres-url URL]`

Builds a plans folder in a temporary directory: every seed plan of `plans/` copied `--copies`
times under new plan ids (100 copies: 500 files, 25,700 tasks, 5,600 targets, 700 reporting
obligations) with the seed unit directory. Then, on each database, times the real command line
in a child process (so its peak memory, VmHWM, is its own):
- `nhacviec plans sync` into an empty database (load and check the YAML, write the rows,
  materialise the deadlines);
- `nhacviec plans sync` again, nothing changed: unchanged files are skipped by their stored
  fingerprints and the reminder pass by its mark (`bot.plans.unchanged`, `bot.reminders.marks`);
- the same no-op sync the way it was before those (the fingerprints and the mark cleared, so
  every file is read and compared and the reminder pass runs), side by side;
- `nhacviec plans sync` after one plan file was edited (one deadline moved);
- `nhacviec run --once` on the synced database (the engine's start: its materialise pass, made in
  full with the mark cleared, then the reminders due), for its peak memory.
Each is given as wall time and as the process's own CPU time (steadier on a shared machine; a
PostgreSQL server's work is in the wall time only).
Also times reading the YAML itself: `bot.plans.yamldoc.read_yaml` against PyYAML's pure-Python
`SafeLoader` (what `read_yaml` used before).

Targets (issue #16): the first sync < 15 s on PostgreSQL and ≤ 1.3× SQLite, a no-op sync
< 5 s, peak memory of `plans sync` and `run` < 300 MB.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
import yaml  # noqa: E402
from _support import (  # noqa: E402
    DATABASES,
    Child,
    Province,
    build_province,
    cli_arguments,
    cli_env,
    database,
    label,
    postgres_server,
    postgres_unreachable,
    ratio,
    run_child,
)

from bot.plans.yamldoc import read_yaml  # noqa: E402

FIRST_TARGET_SECONDS = 15.0
FIRST_TARGET_RATIO = 1.3
NOOP_TARGET_SECONDS = 5.0
PEAK_TARGET_MB = 300.0


def describe(child: Child) -> str:
    return f"{child.seconds:.1f} s (CPU {child.cpu_seconds:.1f} s, peak {child.peak_mib:.0f} MiB)"


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def time_yaml(province: Province) -> tuple[float, float]:
    """CPU seconds to read every plan file: ours, then PyYAML's pure-Python SafeLoader."""
    texts = [path.read_text(encoding="utf-8-sig") for path in sorted(province.plans_dir.glob("*.yaml"))]
    started = time.process_time()
    for text in texts:
        read_yaml(text)
    ours = time.process_time() - started
    started = time.process_time()
    for text in texts:
        yaml.compose(text, Loader=yaml.SafeLoader)
    return ours, time.process_time() - started


def forget_fingerprints(url: str, *, plans: bool = True) -> None:
    """What the database held before fingerprints: none, so the next sync reads every file
    (`plans`) and the next reminder pass runs in full."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        if plans:
            connection.exec_driver_sql("UPDATE plans SET fingerprint = NULL")
        connection.exec_driver_sql("DELETE FROM materialize_marks")
    engine.dispose()


def edit_one_plan(province: Province) -> None:
    """Move one deadline of one plan file (the first `timing:` of the first file)."""
    path = sorted(province.plans_dir.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    start = text.index("timing:")
    end = text.index("\n", start)
    path.write_text(text[:start] + "timing: ngày 20/12/2030" + text[end:], encoding="utf-8")


def sync_on(kind: str, province: Province, folder: Path, server: str) -> dict[str, Child]:
    with database(kind, folder, "sync", server) as url:
        env = cli_env(url, province.plans_dir)
        first = run_child(cli_arguments("plans", "sync"), env=env, cwd=folder)
        again = run_child(cli_arguments("plans", "sync"), env=env, cwd=folder)
        forget_fingerprints(url)
        compared = run_child(cli_arguments("plans", "sync"), env=env, cwd=folder)
        forget_fingerprints(url, plans=False)  # so `run` makes its full pass: its peak memory
        run = run_child(cli_arguments("run", "--once"), env=env, cwd=folder)
        original = sorted(province.plans_dir.glob("*.yaml"))[0].read_bytes()
        edit_one_plan(province)
        edited = run_child(cli_arguments("plans", "sync"), env=env, cwd=folder)
        sorted(province.plans_dir.glob("*.yaml"))[0].write_bytes(original)
    for name, child in (("second", again), ("compared", compared)):
        if "Không có gì thay đổi" not in child.stdout:
            print(f"  note: the {name} sync reported changes:\n{child.stdout}", flush=True)
    return {"first": first, "again": again, "compared": compared, "run": run, "edited": edited}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--copies", type=int, default=100, help="copies of each seed plan (default 100)")
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="comma-separated: sqlite, postgresql (default both)"
    )
    parser.add_argument(
        "--postgres-url",
        help="server to create the benchmark database on "
        "(default NHACVIEC_TEST_POSTGRES_URL, else the local test server)",
    )
    args = parser.parse_args()
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    server = postgres_server(args.postgres_url)
    if "postgresql" in kinds and (reason := postgres_unreachable(server)) is not None:
        print(f"PostgreSQL: skipped, the server cannot be reached ({reason})")
        kinds.remove("postgresql")

    with tempfile.TemporaryDirectory(prefix="nhacviec-bench-sync-") as temporary:
        folder = Path(temporary)
        province = build_province(folder, args.copies)
        print(
            f"data: {province.copies} copies of the seed plans → {province.files} plan files (not timed)",
            flush=True,
        )

        ours, pure = time_yaml(province)
        print(
            f"YAML, {province.files} files: read_yaml {ours:.2f} s CPU; PyYAML pure-Python SafeLoader "
            f"{pure:.2f} s CPU ({ratio(pure, ours):.1f}× faster)",
            flush=True,
        )

        results: dict[str, dict[str, Child]] = {}
        for kind in kinds:
            results[kind] = found = sync_on(kind, province, folder, server)
            first, again, run = found["first"], found["again"], found["run"]
            compared, edited = found["compared"], found["edited"]
            print(
                f"{label(kind)}: plans sync, first {describe(first)}\n"
                f"  nothing changed: {describe(again)}; every file compared as before: {describe(compared)} "
                f"({ratio(compared.seconds, again.seconds):.1f}× faster)\n"
                f"  one file edited: {describe(edited)}; run --once {describe(run)}",
                flush=True,
            )
            summary = next((line for line in first.stdout.splitlines() if "nhiệm vụ" in line.lower()), "")
            if summary:
                print(f"  first sync said: {summary.strip()}")

        for kind, found in results.items():
            first, again = found["first"].seconds, found["again"].seconds
            peak = max(child.peak_mib for child in found.values()) * 1.048576  # MiB → MB
            line = (
                f"{label(kind)} targets: no-op sync {again:.1f} s < {NOOP_TARGET_SECONDS:g} s "
                f"{verdict(again < NOOP_TARGET_SECONDS)}; peak {peak:.0f} MB < {PEAK_TARGET_MB:g} MB "
                f"{verdict(peak < PEAK_TARGET_MB)}"
            )
            if kind == "postgresql":
                line += (
                    f"; first sync {first:.1f} s < {FIRST_TARGET_SECONDS:g} s "
                    f"{verdict(first < FIRST_TARGET_SECONDS)}"
                )
            print(line)
        if {"sqlite", "postgresql"} <= results.keys():
            pg, lite = results["postgresql"], results["sqlite"]
            first_ratio = ratio(pg["first"].seconds, lite["first"].seconds)
            again_ratio = ratio(pg["again"].seconds, lite["again"].seconds)
            print(
                f"Ratio PostgreSQL / SQLite: first sync {first_ratio:.2f}× (target ≤ {FIRST_TARGET_RATIO}× "
                f"{verdict(first_ratio <= FIRST_TARGET_RATIO)}), nothing changed {again_ratio:.2f}×"
            )


if __name__ == "__main__":
    main()
