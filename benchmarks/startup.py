"""How fast `nhacviec` starts: one timing phrase read by `nhacviec deadline`, against Python's own
start (the floor no command can go under), each in fresh processes.

Run: `.venv/bin/python benchmarks/startup.py [--runs 7]`

Prints the median wall time and peak memory (VmHWM) of: `python -c pass`; `nhacviec --help`;
`nhacviec deadline --ref 2017-01-10 "quý II/2017"` (the one-phrase case of "Foundation first");
and how much each command adds to the floor. The commands run from this checkout, in a temporary
folder (no `.env` is read).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _support import REPORTER, Child, cli_arguments, cli_env, run_child  # noqa: E402

PHRASE = ("deadline", "--ref", "2017-01-10", "quý II/2017")


def measure(arguments: list[str], runs: int, folder: Path) -> tuple[float, float, Child]:
    env = cli_env(f"sqlite:///{folder / 'unused.db'}", folder / "plans")
    children = [run_child(arguments, env=env, cwd=folder) for _ in range(runs)]
    return (
        statistics.median(child.seconds for child in children),
        statistics.median(child.peak_mib for child in children),
        children[-1],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="processes per command (default 7)")
    args = parser.parse_args()
    runs = max(1, args.runs)
    with tempfile.TemporaryDirectory(prefix="nhacviec-bench-startup-") as temporary:
        folder = Path(temporary)
        floor, floor_mib, _ = measure([sys.executable, "-c", REPORTER], runs, folder)
        print(
            f"python -c pass (the floor): {floor * 1000:.0f} ms, peak {floor_mib:.0f} MiB (median of {runs})"
        )
        for name, arguments in (
            ("nhacviec --help", cli_arguments("--help")),
            ('nhacviec deadline --ref 2017-01-10 "quý II/2017"', cli_arguments(*PHRASE)),
        ):
            seconds, peak, last = measure(arguments, runs, folder)
            print(
                f"{name}: {seconds * 1000:.0f} ms (+{(seconds - floor) * 1000:.0f} ms over the floor), "
                f"peak {peak:.0f} MiB"
            )
        answer = last.stdout.strip().splitlines()
        print(f"  its answer: {answer[-1] if answer else '(nothing)'}")


if __name__ == "__main__":
    main()
