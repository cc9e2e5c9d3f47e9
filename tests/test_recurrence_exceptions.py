"""A repeating deadline whose months do not all share a day: `báo cáo 6 tháng trước ngày 10/6, báo
cáo năm trước ngày 5/12` is due on 9 June and on 4 December, not on 9 December. The exception is
stored by the sync and reaches the occurrences the reminders are planned from."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot import paths
from bot.db.models import Occurrence, ReportingObligation
from bot.deadlines.model import Freq, Recurrence
from bot.plans.loader import load_workspace
from bot.plans.sync import sync_workspace
from bot.reminders.materialize import materialize
from bot.reminders.subjects import recurrence_of
from bot.schedules import load_schedule_defaults
from bot.workcal import WorkCalendar

PLANS = Path(__file__).parent / "data" / "reminders" / "plans"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 6, 1, 8, tzinfo=TZ)
CYCLE = "báo cáo 6 tháng trước ngày 10/6, báo cáo năm trước ngày 5/12"


def test_the_column_text_gives_back_the_same_rule() -> None:
    rule = Recurrence(freq=Freq.SEMIANNUAL, day=9, months=(6, 12), exceptions=((12, 4), (2, -1)))
    assert rule.exceptions_text() == "12:4,2:-1"
    assert recurrence_of(Freq.SEMIANNUAL, 9, "6,12", None, None, "12:4,2:-1") == rule
    assert Recurrence(freq=Freq.MONTHLY, day=5).exceptions_text() is None
    assert recurrence_of(Freq.MONTHLY, 5, None, None, None, None) == Recurrence(freq=Freq.MONTHLY, day=5)


def test_the_december_report_is_due_on_its_own_day(engine: Engine, tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    shutil.copytree(PLANS, plans)
    plan = plans / "kh-nhac-2026.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8")
        + "\n  - id: R9\n    text: Báo cáo sơ kết, tổng kết\n    who: [so-a]\n    to: vp\n"
        + f"    cycle: {CYCLE}\n",
        encoding="utf-8",
    )
    workspace = load_workspace([plans])
    assert workspace.errors == []
    calendar = WorkCalendar()
    with Session(engine) as session, session.begin():
        sync_workspace(session, workspace, NOW, calendar=calendar)
        materialize(
            session,
            NOW,
            calendar=calendar,
            defaults=load_schedule_defaults(paths.SCHEDULES_DIR),
            tz=TZ,
            horizon_months=13,
        )

    with Session(engine) as session:
        report = session.exec(select(ReportingObligation).where(ReportingObligation.key == "R9")).one()
        assert (report.recurrence_day, report.recurrence_months, report.recurrence_exceptions) == (
            9,
            "6,12",
            "12:4",
        )
        dues = sorted(
            row.due
            for row in session.exec(select(Occurrence).where(col(Occurrence.reporting_id) == report.id))
        )
    assert dt.date(2026, 6, 9) in dues and dt.date(2026, 12, 4) in dues
    assert dt.date(2026, 12, 9) not in dues
