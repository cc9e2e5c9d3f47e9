"""Recording `đã nộp báo cáo tháng 11` from chat: a unit's submission of one period's report.

The period named in the message (`bot.understand.periods`) picks the report occurrence whose
due date falls inside it — Nghị định 09/2019 puts every period's deadline in the period's last
month — preferring obligations whose cycle is the period's kind (a quarterly report for `quý 3`).
With no period named, the open occurrence due nearest to today is meant (the one being reminded
about); the chat layer passes `occurrence_id` when it knows which reminder was answered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from bot.channels.events import SourceMessage
from bot.db.models import (
    Occurrence,
    OccurrenceKind,
    OccurrenceState,
    Person,
    ReportingObligation,
    ReportingUnit,
    ReportSubmission,
)
from bot.deadlines.model import Freq
from bot.people.errors import Localized, NotAllowed, NotUnderstood, msg
from bot.people.messages import ANY_PERIOD, NO_OPEN_REPORT, NO_REPORT_PERIOD, NOT_A_REPORTER, WHICH_REPORT
from bot.reminders.closing import close_occurrence_if_done
from bot.schedules import ReportingCycles
from bot.understand import PeriodKind, ReportClaim, ReportPeriod
from bot.understand.labels import period_label

_FREQ = {
    PeriodKind.WEEK: Freq.WEEKLY,
    PeriodKind.MONTH: Freq.MONTHLY,
    PeriodKind.QUARTER: Freq.QUARTERLY,
    PeriodKind.HALF: Freq.SEMIANNUAL,
    PeriodKind.YEAR: Freq.ANNUAL,
}


@dataclass(frozen=True, slots=True)
class PeriodText:
    period: ReportPeriod

    def render(self, lang: str) -> str:
        return period_label(self.period, lang)


@dataclass(frozen=True, slots=True)
class FiledReport:
    submission: ReportSubmission
    occurrence: Occurrence
    obligation: ReportingObligation
    already: bool
    """The unit had already submitted this period's report: nothing new was written."""
    closed: bool
    """Every reporting unit has now submitted: the occurrence is done, its reminders cancelled."""


def file_report(
    session: Session,
    *,
    person: Person,
    claim: ReportClaim,
    source_message: SourceMessage,
    now: dt.datetime,
    tz: ZoneInfo,
    cycles: ReportingCycles,
    occurrence_id: int | None = None,
) -> FiledReport:
    """Record that the person's unit submitted the claimed report. Raises `NotAllowed` (the unit
    reports nothing) or `NotUnderstood` (no such period, or several reports match)."""
    unit = person.unit_id
    obligations = {
        row.id: row
        for row in session.exec(
            select(ReportingObligation)
            .join(ReportingUnit, col(ReportingUnit.reporting_id) == col(ReportingObligation.id))
            .where(ReportingUnit.unit_id == unit, col(ReportingObligation.archived_at).is_(None))
        ).all()
    }
    if person.archived_at is not None or not obligations:
        raise NotAllowed(NOT_A_REPORTER, unit=unit)
    today = now.astimezone(tz).date()
    occurrence = _pick(session, obligations, claim, today, unit, occurrence_id)
    assert occurrence.id is not None and occurrence.reporting_id is not None
    obligation = obligations[occurrence.reporting_id]
    existing = session.exec(
        select(ReportSubmission).where(
            ReportSubmission.occurrence_id == occurrence.id, ReportSubmission.unit_id == unit
        )
    ).first()
    if existing is not None:
        return FiledReport(
            existing, occurrence, obligation, already=True, closed=occurrence.state is OccurrenceState.DONE
        )
    submission = ReportSubmission(
        occurrence_id=occurrence.id,
        unit_id=unit,
        submitted_at=now,
        on_time=today <= occurrence.effective_due,
        author_person_id=person.id,
        source=source_message.channel,
    )
    session.add(submission)
    session.flush()
    closed = close_occurrence_if_done(session, occurrence.id, now, tz=tz, cycles=cycles)
    return FiledReport(submission, occurrence, obligation, already=False, closed=closed)


def _pick(
    session: Session,
    obligations: dict[int | None, ReportingObligation],
    claim: ReportClaim,
    today: dt.date,
    unit: str,
    occurrence_id: int | None,
) -> Occurrence:
    query = select(Occurrence).where(
        Occurrence.kind == OccurrenceKind.REPORT,
        col(Occurrence.reporting_id).in_([key for key in obligations if key is not None]),
        Occurrence.state != OccurrenceState.SUPERSEDED,
    )
    if occurrence_id is not None:
        query = query.where(Occurrence.id == occurrence_id)
    candidates = list(session.exec(query).all())
    period = claim.period
    if period is not None:
        inside = [o for o in candidates if period.first_day <= o.due <= period.last_day]
        same_cycle = [o for o in inside if obligations[o.reporting_id].recurrence_freq == _FREQ[period.kind]]
        candidates = same_cycle or inside
        if not candidates:
            raise NotUnderstood(NO_REPORT_PERIOD, period=PeriodText(period), unit=unit)
    else:
        candidates = [o for o in candidates if o.state is OccurrenceState.OPEN]
        if not candidates:
            raise NotUnderstood(NO_OPEN_REPORT, unit=unit)
        nearest = min(abs((o.effective_due - today).days) for o in candidates)
        candidates = [o for o in candidates if abs((o.effective_due - today).days) == nearest]
    if len(candidates) > 1:
        choices = "; ".join(
            f"{obligations[o.reporting_id].key} «{obligations[o.reporting_id].text}»" for o in candidates
        )
        shown: Localized = PeriodText(period) if period is not None else msg(ANY_PERIOD)
        raise NotUnderstood(WHICH_REPORT, unit=unit, period=shown, choices=choices)
    return candidates[0]
