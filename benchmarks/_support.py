"""What several benchmarks share: the databases they run on, the 100× province built from the
seed plans, and child processes measured for time and peak memory.

Not a benchmark itself (the leading underscore); each benchmark script imports it from its own
folder, which Python puts first on `sys.path`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SEED_PLANS = ROOT / "plans"
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DATABASES = ("sqlite", "postgresql")


def postgres_server(url: str | None) -> str:
    """The PostgreSQL server to create benchmark databases on (the test server by default)."""
    return url or os.environ.get("NHACVIEC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES


def postgres_unreachable(server: str) -> str | None:
    """Why the server cannot be used, or None; a benchmark then says so and runs SQLite only."""
    try:
        engine = sa.create_engine(server)
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as exc:  # any failure to connect means the same thing here
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


@contextmanager
def database(kind: str, folder: Path, name: str, server: str) -> Iterator[str]:
    """An empty database of `kind`: a SQLite file in `folder`, or a fresh PostgreSQL database
    on `server` that is dropped afterwards."""
    if kind == "sqlite":
        path = folder / f"{name}.db"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    base = make_url(server)
    database_name = f"nhacviec_bench_{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{database_name}"')
        yield base.set(database=database_name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database_name}" WITH (FORCE)')
        admin.dispose()


def label(kind: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[kind]


# --- the province: the seed plans, copied -------------------------------------------------------


@dataclass(frozen=True)
class Province:
    plans_dir: Path
    files: int
    copies: int


def build_province(folder: Path, copies: int) -> Province:
    """`copies` copies of every seed plan (plan ids `<seed>-c001`…) and the seed directory.

    A plan's id is its file name, so renaming the copy is all it takes: task, target and
    reporting ids are unique within a plan, and every copy uses the same units.
    """
    plans_dir = folder / "plans"
    plans_dir.mkdir(parents=True)
    shutil.copytree(SEED_PLANS / "directory", plans_dir / "directory")
    seeds = sorted(SEED_PLANS.glob("*.yaml"))
    for seed in seeds:
        text = seed.read_text(encoding="utf-8")
        for number in range(1, copies + 1):
            (plans_dir / f"{seed.stem}-c{number:03}.yaml").write_text(text, encoding="utf-8")
    return Province(plans_dir, len(seeds) * copies, copies)


# --- child processes -----------------------------------------------------------------------------


PEAK_FILE = "NHACVIEC_BENCH_PEAK_FILE"
"""Where a child writes its own peak memory when it ends (see `report_peak_at_exit`)."""


def peak_mib() -> float:
    """This process's peak resident memory, MiB: VmHWM, the high-water mark of its own memory
    since it started. (ru_maxrss is not used: after fork and exec Linux carries the parent's peak
    into the child's, so a child started by a big parent would report the parent's size.)"""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report_peak_at_exit() -> None:
    """In a child: write the peak to the file the parent named, whatever way the process ends."""
    import atexit
    import os

    target = os.environ.get(PEAK_FILE)
    if target:
        atexit.register(lambda: Path(target).write_text(f"{peak_mib()}"))


@dataclass(frozen=True)
class Child:
    seconds: float
    peak_mib: float
    """The child's own peak memory (VmHWM), MiB, as it reported it."""
    stdout: str
    stderr: str
    cpu_seconds: float = 0.0
    """The child's own CPU time (user + system; a database server's is not in it): on a shared
    machine, steadier than its wall time."""


def run_child(
    arguments: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 900
) -> Child:
    """Run a process to its end: its wall time and the peak memory it reports when it ends
    (`report_peak_at_exit`, or the `REPORTER` code the CLI children run). Raises with its output
    when it fails."""
    with (
        tempfile.TemporaryFile("w+") as out,
        tempfile.TemporaryFile("w+") as err,
        tempfile.NamedTemporaryFile("r", suffix=".peak") as peak,
    ):
        child_env = {**(env if env is not None else os.environ), PEAK_FILE: peak.name}
        import resource

        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        try:
            result = subprocess.run(
                arguments, stdout=out, stderr=err, env=child_env, cwd=cwd, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"timed out after {timeout:.0f} s: {' '.join(arguments)}") from None
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
        written = Path(peak.name).read_text().strip()
    if result.returncode != 0:
        raise RuntimeError(f"exit {result.returncode}: {' '.join(arguments)}\n{stdout}\n{stderr}")
    if not written:
        raise RuntimeError(f"{' '.join(arguments)} did not report its peak memory")
    return Child(seconds, float(written), stdout, stderr, cpu)


REPORTER = f"""
import atexit, os

def _report_peak():
    target = os.environ.get({PEAK_FILE!r})
    if target:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        with open(target, "w") as out:
            out.write(str(peak / 1024))

atexit.register(_report_peak)
"""
"""Python code that makes a process report its peak memory at exit, importing nothing heavy."""


def cli_arguments(*arguments: str) -> list[str]:
    """`nhacviec …` run from this checkout (PYTHONPATH, see `cli_env`), not whatever is installed,
    reporting its peak memory when it ends."""
    code = REPORTER + "import sys\nfrom bot.cli import main\nsys.argv[0] = 'nhacviec'\nmain()\n"
    return [sys.executable, "-c", code, *arguments]


def cli_env(database_url: str, plans_dir: Path) -> dict[str, str]:
    """The environment of a CLI child: this checkout first on the path, the benchmark's database
    and plans, Vietnamese output; run it outside the checkout so no `.env` file is read."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper()
        not in {"DATABASE_URL", "PLANS_DIR", "NHACVIEC_LANGUAGE", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"}
    }
    env["PYTHONPATH"] = str(ROOT)
    env["DATABASE_URL"] = database_url
    env["PLANS_DIR"] = str(plans_dir)
    env["NHACVIEC_LANGUAGE"] = "vi"
    return env


def ratio(value: float, base: float) -> float:
    return value / base if base else float("inf")
