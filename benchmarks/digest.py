"""Weekly digest at scale, on SQLite and PostgreSQL: SQL aggregation against a naive per-row
version, and the XLSX workbook against the openpyxl cell-by-cell one it replaced, in one run.

Run: `.venv/bin/python benchmarks/digest.py [--units 1000] [--tasks 20000] [--updates 200000]
[--databases sqlite,postgresql] [--postgres-url URL]`

Builds, on each database, 1,000 units, 20,000 tasks (10 plans) and 200,000 status updates (bulk
inserts; `tasks.status` kept equal to each task's latest update, as `record_update` does), plus
one monthly report per plan with 100 reporting units. Then times:
- the text digest: ours, `build_digest` (SQL GROUP BY / CASE; only listed rows read) and rendering
  the text, against a naive version (every task and every update loaded into Python, standing
  computed per task there). Both must give the same counts. Target < 2 s for ours.
- the XLSX digest, each in a child process so that its peak memory (VmHWM) is its own:
  ours (`build_digest`, `task_rows_by_plan`, `bot.digest.xlsx.digest_workbook`, the file written:
  what `nhacviec digest --format xlsx` does) against the same queries with the workbook built
  the way it was before (openpyxl, alignment and border set cell by cell). Target (issue #16)
  < 2 s and < 150 MB. The whole command, `nhacviec digest --format xlsx`, is timed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from _support import (  # noqa: E402
    DATABASES,
    cli_arguments,
    cli_env,
    database,
    label,
    postgres_server,
    postgres_unreachable,
    ratio,
    report_peak_at_exit,
    run_child,
)
from sqlmodel import Session  # noqa: E402

from bot.db.engine import make_engine  # noqa: E402
from bot.db.migrate import upgrade  # noqa: E402
from bot.db.models import (  # noqa: E402
    Occurrence,
    Person,
    Plan,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
    Task,
    TaskUpdate,
    Unit,
)
from bot.digest.model import Digest, Standing, StandingCounts  # noqa: E402
from bot.digest.queries import (  # noqa: E402
    TaskRow,
    build_digest,
    cutoff_of,
    plan_task_rows,
    task_rows_by_plan,
)
from bot.digest.render import render_digest  # noqa: E402
from bot.workcal import WorkCalendar  # noqa: E402

UNITS = 1_000
PLANS = 10
TASKS = 20_000
UPDATES = 200_000
REPORTING_UNITS = 100
TARGET_SECONDS = 2.0
XLSX_TARGET_SECONDS = 2.0
XLSX_TARGET_MB = 150.0
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.UTC)
STATUSES = ("in_progress", "in_progress", "blocked", "done")


def table(model: object) -> sa.Table:
    return model.__table__  # type: ignore[attr-defined, no-any-return]


def populate(url: str, *, units: int, tasks: int, updates: int, seed: int = 20261120) -> None:
    rng = random.Random(seed)
    engine = make_engine(url)
    upgrade(engine)
    calendar = WorkCalendar()
    stamps = {"created_at": NOW, "updated_at": NOW}
    reporting_units = min(REPORTING_UNITS, units - 1)
    with engine.begin() as connection:
        connection.execute(
            sa.insert(table(Unit)),
            [{"id": "vp", "name": "Văn phòng UBND tỉnh", **stamps}]
            + [
                {"id": f"u{n:04}", "name": f"Sở, ngành, địa phương số {n}", **stamps} for n in range(1, units)
            ],
        )
        connection.execute(
            sa.insert(table(Person)),
            [
                {
                    "id": "chanh-vp",
                    "name": "Chánh Văn phòng",
                    "unit_id": "vp",
                    "role": "chief",
                    "language": "vi",
                    "origin": "directory",
                    **stamps,
                },
            ],
        )
        connection.execute(
            sa.insert(table(Plan)),
            [
                {
                    "id": f"kh-{n:02}",
                    "path": f"plans/kh-{n:02}.yaml",
                    "issuer": "UBND tỉnh",
                    "number": f"{n}/KH-UBND",
                    "issued": dt.date(2026, 1, 2),
                    "title": f"Kế hoạch số {n}",
                    "monitor_unit_id": "vp",
                    **stamps,
                }
                for n in range(PLANS)
            ],
        )
        task_rows: list[dict[str, Any]] = []
        latest: dict[int, tuple[dt.datetime, str, int | None]] = {}
        update_rows = []
        per_task = max(1, updates // tasks)
        for task_id in range(1, tasks + 1):
            dated = rng.random() > 0.1
            due = dt.date(2026, 1, 15) + dt.timedelta(days=rng.randrange(0, 365)) if dated else None
            task_rows.append(
                {
                    "id": task_id,
                    "plan_id": f"kh-{task_id % PLANS:02}",
                    "key": str(task_id),
                    "position": task_id,
                    "title": f"Nhiệm vụ số {task_id}: triển khai nội dung của kế hoạch",
                    "lead_unit_id": f"u{rng.randrange(1, units):04}",
                    "deadline_kind": "once" if due else "continuous",
                    "due": due,
                    "effective_due": calendar.effective_deadline(due) if due else None,
                    "deadline_ambiguous": False,
                    "status": "not_started",
                    **stamps,
                }
            )
            at = NOW + dt.timedelta(hours=rng.randrange(1, 24 * 300))
            for step in range(per_task):
                at += dt.timedelta(hours=rng.randrange(1, 200))
                status = STATUSES[rng.randrange(len(STATUSES))] if step == per_task - 1 else "in_progress"
                percent = 100 if status == "done" else rng.randrange(0, 100)
                update_rows.append(
                    {
                        "task_id": task_id,
                        "at": at,
                        "status": status,
                        "percent": percent,
                        "note": f"Cập nhật lần {step + 1}",
                        "source": "telegram",
                    }
                )
            latest[task_id] = (at, status, percent)
        for row in task_rows:
            last_at, last_status, last_percent = latest[row["id"]]
            row.update(status=last_status, status_percent=last_percent, status_at=last_at)
        connection.execute(sa.insert(table(Task)), task_rows)
        for start in range(0, len(update_rows), 50_000):
            connection.execute(sa.insert(table(TaskUpdate)), update_rows[start : start + 50_000])
        for n in range(PLANS):
            plan = f"kh-{n:02}"
            connection.execute(
                sa.insert(table(ReportingObligation)),
                [
                    {
                        "id": n + 1,
                        "plan_id": plan,
                        "key": "IV",
                        "position": 1,
                        "text": "Báo cáo tháng",
                        "to_unit_id": "vp",
                        "cycle": "trước ngày 15 hàng tháng",
                        "deadline_kind": "recurring",
                        "deadline_ambiguous": False,
                        **stamps,
                    }
                ],
            )
            chosen = rng.sample(range(1, units), reporting_units)
            connection.execute(
                sa.insert(table(ReportingUnit)),
                [{"reporting_id": n + 1, "unit_id": f"u{u:04}"} for u in chosen],
            )
            connection.execute(
                sa.insert(table(Occurrence)),
                [
                    {
                        "id": n + 1,
                        "key": f"report:{n + 1}:2026-11-14",
                        "plan_id": plan,
                        "reporting_id": n + 1,
                        "kind": "report",
                        "due": dt.date(2026, 11, 14),
                        "effective_due": dt.date(2026, 11, 16),
                        "state": "open",
                        **stamps,
                    }
                ],
            )
            submitted = [
                {
                    "occurrence_id": n + 1,
                    "unit_id": f"u{u:04}",
                    "on_time": rng.random() > 0.3,
                    "submitted_at": dt.datetime(2026, 11, 13, 3, tzinfo=dt.UTC),
                    "source": "telegram",
                }
                for u in chosen
                if rng.random() > 0.2
            ]
            if submitted:
                connection.execute(sa.insert(table(ReportSubmission)), submitted)
    engine.dispose()


PLAN_IDS = [f"kh-{n:02}" for n in range(PLANS)]


def ours(url: str) -> tuple[StandingCounts, int, int]:
    engine = make_engine(url)
    with Session(engine) as session:
        digest = build_digest(session, PLAN_IDS, as_of=AS_OF, tz=TZ, calendar=WorkCalendar())
        render_digest(digest, lang="vi", tz=TZ)
    engine.dispose()
    return digest.totals, digest.updates.total, digest.silent_units.total


def naive(url: str) -> tuple[StandingCounts, int, int]:
    """Every task and update in Python; standing computed per task, as a straightforward ORM
    loop would."""
    engine = make_engine(url)
    cutoff = cutoff_of(AS_OF, TZ)
    since = cutoff - dt.timedelta(days=7)
    with Session(engine) as session:
        tasks = session.exec(sa.select(Task)).scalars().all()  # type: ignore[call-overload]
        history: dict[int, list[TaskUpdate]] = defaultdict(list)
        for update in session.exec(sa.select(TaskUpdate)).scalars():  # type: ignore[call-overload]
            history[update.task_id].append(update)
    counts: Counter[Standing] = Counter()
    recent = 0
    answered_units: set[str] = set()
    lead_units: set[str] = set()
    for task in tasks:
        before = sorted((u for u in history[task.id] if u.at < cutoff), key=lambda u: (u.at, u.id))
        recent += sum(1 for u in before if u.at > since)
        lead_units.add(task.lead_unit_id)
        if before:
            answered_units.add(task.lead_unit_id)
        last = before[-1] if before else None
        if task.effective_due is None:
            counts[Standing.NO_DEADLINE] += 1
        elif last is not None and last.status == "done":
            done_day = last.at.astimezone(TZ).date()
            counts[Standing.DONE_ON_TIME if done_day <= task.effective_due else Standing.DONE_LATE] += 1
        elif task.effective_due >= AS_OF:
            counts[Standing.OPEN_IN_TIME] += 1
        else:
            counts[Standing.OPEN_OVERDUE] += 1
    engine.dispose()
    totals = StandingCounts(*(counts[s] for s in Standing))
    return totals, recent, len(lead_units - answered_units)


def timed(
    function: Callable[[str], tuple[StandingCounts, int, int]], url: str
) -> tuple[float, tuple[StandingCounts, int, int]]:
    start = time.perf_counter()
    result = function(url)
    return time.perf_counter() - start, result


# --- the workbook ---------------------------------------------------------------------------------


def openpyxl_workbook(
    digest: Digest, tasks: Mapping[str, Sequence[TaskRow]], *, lang: str, tz: ZoneInfo
) -> bytes:
    """The workbook as `bot.digest.xlsx` built it before issue #16: openpyxl, every cell's
    alignment and border set one by one (the baseline; same sheets, same content)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from bot.datefmt import short_date
    from bot.digest import messages as msg
    from bot.digest.xlsx import _sheet_name

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")
    center = Alignment(wrap_text=True, vertical="center", horizontal="center")

    def table_(
        ws: Any, title: str, headers: list[str], rows: list[list[object]], widths: Sequence[int]
    ) -> None:
        last_column = get_column_letter(len(headers))
        ws.append([title])
        ws.merge_cells(f"A1:{last_column}1")
        ws["A1"].font = Font(bold=True, size=13)
        ws["A1"].alignment = center
        ws.row_dimensions[1].height = 36
        ws.append(headers)
        for cell in ws[2]:
            cell.font = Font(bold=True)
            cell.fill = fill
            cell.alignment = center
            cell.border = border
        for row in rows:
            ws.append(row)
        for row_cells in ws.iter_rows(min_row=3):
            for cell in row_cells:
                cell.alignment = wrap
                cell.border = border
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A3"
        ws.auto_filter.ref = f"A2:{last_column}{max(2, len(rows) + 2)}"

    book = Workbook()
    summary = book.active
    summary.title = _sheet_name(msg.render(lang, msg.SHEET_SUMMARY), set())
    headers = [msg.render(lang, msg.COLUMN_PLAN), msg.render(lang, msg.COLUMN_TOTAL)]
    headers += [msg.standing_label(lang, standing) for standing in Standing]
    rows: list[list[object]] = [
        [f"{plan.number} — {plan.title}", plan.counts.total, *(plan.counts.of(s) for s in Standing)]
        for plan in digest.plans
    ]
    totals = digest.totals
    rows.append([msg.render(lang, msg.TOTAL_ROW), totals.total, *(totals.of(s) for s in Standing)])
    table_(
        summary,
        msg.render(lang, msg.WORKBOOK_TITLE, date=short_date(digest.as_of, lang)),
        headers,
        rows,
        (48, 12, 14, 14, 14, 14, 14),
    )
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    used = {summary.title}
    columns = (
        msg.COLUMN_NUMBER,
        msg.COLUMN_TASK,
        msg.COLUMN_LEAD,
        msg.COLUMN_SUPPORT,
        msg.COLUMN_DUE,
        msg.COLUMN_STANDING,
        msg.COLUMN_PERCENT,
        msg.COLUMN_LAST_UPDATE,
    )
    for plan in digest.plans:
        sheet = book.create_sheet(_sheet_name(plan.number, used))
        used.add(sheet.title)
        title = msg.render(
            lang,
            msg.PLAN_SHEET_TITLE,
            number=plan.number,
            title=plan.title,
            date=short_date(digest.as_of, lang),
        )
        task_rows: list[list[object]] = []
        for number, task in enumerate(tasks.get(plan.plan_id, []), 1):
            last = task.last_update_at.astimezone(tz).replace(tzinfo=None) if task.last_update_at else None
            task_rows.append(
                [
                    number,
                    task.title,
                    task.lead_unit or "",
                    "; ".join(task.support_units),
                    task.due if task.due is not None else (task.timing or ""),
                    msg.standing_label(lang, task.standing),
                    task.percent,
                    last,
                ]
            )
        table_(
            sheet,
            title,
            [msg.render(lang, column) for column in columns],
            task_rows,
            (6, 60, 28, 32, 14, 24, 10, 18),
        )
        for row in sheet.iter_rows(min_row=3):
            row[0].alignment = center
            if isinstance(row[4].value, dt.date):
                row[4].number_format = "DD/MM/YYYY"
            row[7].number_format = "DD/MM/YYYY HH:MM"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_xlsx(way: str, url: str, out: Path) -> dict[str, float]:
    """In a child process: the digest's queries and workbook, the file written; seconds, size
    and peak memory. `way` is `ours` or `openpyxl` (the baseline)."""
    from bot.digest.xlsx import digest_workbook

    build = digest_workbook if way == "ours" else openpyxl_workbook
    engine = make_engine(url)
    started = time.perf_counter()
    with Session(engine) as session:
        digest = build_digest(session, PLAN_IDS, as_of=AS_OF, tz=TZ, calendar=WorkCalendar())
        if way == "ours":
            tasks = task_rows_by_plan(session, PLAN_IDS, as_of=AS_OF, tz=TZ)
        else:  # as before: one query per plan
            tasks = {plan_id: plan_task_rows(session, plan_id, as_of=AS_OF, tz=TZ) for plan_id in PLAN_IDS}
    queried = time.perf_counter()
    data = build(digest, tasks, lang="vi", tz=TZ)
    out.write_bytes(data)
    finished = time.perf_counter()
    engine.dispose()
    return {
        "seconds": finished - started,
        "queries": queried - started,
        "workbook": finished - queried,
        "bytes": len(data),
    }


def xlsx_child(way: str, url: str, folder: Path) -> dict[str, float]:
    out = folder / f"digest-{way}.xlsx"
    child = run_child([sys.executable, __file__, "--child-xlsx", way, url, str(out)])
    found: dict[str, float] = json.loads(child.stdout.strip().splitlines()[-1])
    return {**found, "peak_mib": child.peak_mib}


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--units", type=int, default=UNITS)
    parser.add_argument("--tasks", type=int, default=TASKS)
    parser.add_argument("--updates", type=int, default=UPDATES)
    parser.add_argument(
        "--databases", default=",".join(DATABASES), help="comma-separated: sqlite, postgresql (default both)"
    )
    parser.add_argument(
        "--postgres-url",
        help="server to create the benchmark database on "
        "(default NHACVIEC_TEST_POSTGRES_URL, else the local test server)",
    )
    parser.add_argument("--child-xlsx", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_xlsx is not None:
        report_peak_at_exit()
        way, url, out = args.child_xlsx
        print(json.dumps(run_xlsx(way, url, Path(out))))
        return
    full_size = (args.units, args.tasks, args.updates) == (UNITS, TASKS, UPDATES)
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    server = postgres_server(args.postgres_url)
    if "postgresql" in kinds and (reason := postgres_unreachable(server)) is not None:
        print(f"PostgreSQL: skipped, the server cannot be reached ({reason})")
        kinds.remove("postgresql")
    too_slow: list[str] = []
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for kind in kinds:
            with database(kind, folder, "digest", server) as url:
                start = time.perf_counter()
                populate(url, units=args.units, tasks=args.tasks, updates=args.updates)
                print(
                    f"{label(kind)}: {args.units:,} units, {args.tasks:,} tasks, {args.updates:,} updates "
                    f"({time.perf_counter() - start:.1f} s to generate)",
                    flush=True,
                )
                ours(url)  # warm-up: imports, templates, the calendar's years
                our_time, our_result = timed(ours, url)
                naive_time, naive_result = timed(naive, url)
                if our_result != naive_result:
                    raise SystemExit(f"results differ:\n  ours:  {our_result}\n  naive: {naive_result}")
                totals = our_result[0]
                print(
                    f"  counts: {totals} (total {totals.total:,}); updates in the last 7 days: "
                    f"{our_result[1]:,}"
                )
                print(
                    f"  digest (SQL aggregation + render): {our_time:.3f} s (target < {TARGET_SECONDS:.0f} s "
                    f"{verdict(our_time < TARGET_SECONDS)})"
                )
                print(f"  naive (every row in Python):       {naive_time:.3f} s")
                print(f"  ratio naive / ours: {ratio(naive_time, our_time):.1f}×", flush=True)
                if our_time >= TARGET_SECONDS:
                    too_slow.append(f"{label(kind)} text digest {our_time:.3f} s")

                mine = xlsx_child("ours", url, folder)
                base = xlsx_child("openpyxl", url, folder)
                command = run_child(
                    cli_arguments(
                        "digest",
                        "--format",
                        "xlsx",
                        "--as-of",
                        AS_OF.isoformat(),
                        "--out",
                        str(folder / "digest-cli.xlsx"),
                    ),
                    env=cli_env(url, folder / "plans"),
                    cwd=folder,
                )
                mine_mb, base_mb = mine["peak_mib"] * 1.048576, base["peak_mib"] * 1.048576
                print(
                    f"  xlsx, ours: {mine['seconds']:.2f} s (queries {mine['queries']:.2f} s, workbook "
                    f"{mine['workbook']:.2f} s), peak {mine_mb:.0f} MB, {mine['bytes'] / 1e6:.1f} MB file "
                    f"(targets < {XLSX_TARGET_SECONDS:g} s {verdict(mine['seconds'] < XLSX_TARGET_SECONDS)}, "
                    f"< {XLSX_TARGET_MB:g} MB {verdict(mine_mb < XLSX_TARGET_MB)})"
                )
                print(
                    f"  xlsx, openpyxl cell by cell (before): {base['seconds']:.2f} s (queries "
                    f"{base['queries']:.2f} s, workbook {base['workbook']:.2f} s), peak {base_mb:.0f} MB, "
                    f"{base['bytes'] / 1e6:.1f} MB file"
                )
                print(
                    f"  xlsx ratio before / ours: {ratio(base['seconds'], mine['seconds']):.1f}× the time, "
                    f"{ratio(base_mb, mine_mb):.1f}× the memory; the whole command "
                    f"`nhacviec digest --format xlsx`: {command.seconds:.2f} s, peak "
                    f"{command.peak_mib * 1.048576:.0f} MB (Python's start and imports included)",
                    flush=True,
                )
    if too_slow and full_size:
        raise SystemExit("too slow: " + "; ".join(too_slow))


if __name__ == "__main__":
    main()
