"""What a timing phrase means, as data: the parser's result types (domain.md §2)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    ONCE = "once"
    RECURRING = "recurring"
    CONTINUOUS = "continuous"
    NONE = "none"


class Freq(StrEnum):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"


class Problem(StrEnum):
    """Why a text gives no date, or no sure one (for messages that tell the user what to fix)."""

    NOT_A_DATE = "not_a_date"
    """The numbers name no real day, month or quarter: `31/2/2025`, `tháng 13`, `quý 5`."""
    NO_MONTH = "no_month"
    """A day of the month with neither month nor frequency: `trước ngày 15`."""
    NO_END = "no_end"
    """Only a start: `từ quý II/2025`."""
    EVENT = "event"
    """Counted from an event, not a date: `trong 5 ngày làm việc kể từ …`, `sau khi …`."""
    CONFLICT = "conflict"
    """Two readings disagree (two dates, or a date and a repeating cycle); the chosen one is given."""


LAST_DAY = -1
"""`Recurrence.day` value for "the last day of the month" (February's 28th/29th included)."""


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A repeating due date. Fields the text does not give stay None: nothing is invented."""

    freq: Freq
    day: int | None = None
    """Day of month of each due date (already shifted for `trước ngày N`: N-1), or LAST_DAY."""
    months: tuple[int, ...] | None = None
    """Months that carry a due date (quarterly: (3, 6, 9, 12)); None = every month of the freq."""
    weekday: int | None = None
    """Weekly: 0 = Monday … 6 = Sunday."""
    window_start: int | None = None
    """`từ ngày 1 đến ngày 5 hằng tháng`: 1 (the due date is the window's end, in `day`)."""
    exceptions: tuple[tuple[int, int], ...] = ()
    """(month, day) pairs for months whose due day is not `day`: `ngày 29 hằng tháng, riêng tháng
    Hai là ngày cuối tháng` → ((2, LAST_DAY),); `báo cáo 6 tháng trước ngày 10/6, báo cáo năm
    trước ngày 5/12` → day 9, months (6, 12), exceptions ((12, 4),)."""

    def exceptions_text(self) -> str | None:
        """`exceptions` as one column's text, `12:4,2:-1`; None when there are none."""
        return ",".join(f"{month}:{day}" for month, day in self.exceptions) or None

    @staticmethod
    def exceptions_from(text: str | None) -> tuple[tuple[int, int], ...]:
        """What `exceptions_text` wrote."""
        if not text:
            return ()
        pairs = (part.split(":") for part in text.split(","))
        return tuple((int(month), int(day)) for month, day in pairs)

    @property
    def has_dates(self) -> bool:
        """Whether the text fixes concrete dates (else only the frequency is known)."""
        if self.freq is Freq.WEEKLY:
            return self.weekday is not None
        return self.day is not None


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: Kind
    due: dt.date | None = None
    """ONCE: the last on-time day, as written (before any holiday shift)."""
    time: dt.time | None = None
    """ONCE: a time of day when the text gives one (`trước 14 giờ, ngày 05/12/2017`)."""
    recurrence: Recurrence | None = None
    span: tuple[int, int] | None = None
    """[start, end) of the matched phrase in the input text, or None when nothing matched."""
    ambiguous: bool = False
    start: dt.date | None = None
    """ONCE from a range (`giai đoạn 2021 - 2025`): the range's first day, when given; CONTINUOUS
    from a start (`từ năm 2027 trở đi`): that start's first day."""
    problem: Problem | None = None
    """Why there is no date or no sure one (set with NONE, or with `ambiguous`)."""
