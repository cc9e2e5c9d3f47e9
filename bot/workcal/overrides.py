"""`schedules/holidays.yaml`: the days off and working days the government announces each year.

The `holidays` package already knows the statutory holidays, their substitute days and the swaps
it has been told about; this file holds only what it lacks. The format is written for an admin
with a text editor:

    2026:
      days_off:
        - date: 2026-01-02
          reason: Nghỉ Tết Dương lịch (hoán đổi với thứ Bảy 10/01/2026)
          decision: 12729/VPCP-KGVX ngày 25/12/2025
      working_days:
        - date: 10/01/2026
          reason: Làm bù cho thứ Sáu 02/01/2026

A break of several days may be written as `from:` / `to:` (both included) instead of `date:`.
Every mistake is reported with the file, the line and the entry, in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from bot.i18n import translations

DOMAIN = "workcal"
ENTRY_KEYS = ("date", "from", "to", "reason", "decision")
YEAR_KEYS = ("days_off", "working_days")

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_VN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class HolidayFileError(ValueError):
    """The override file cannot be used; the message says where and how to fix it."""


@dataclass(frozen=True, slots=True)
class Overrides:
    days_off: dict[dt.date, str]
    working_days: dict[dt.date, str]


def _parse_date(value: object) -> dt.date:
    """`2026-01-02` or `02/01/2026`: the two ways people in the office write a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value).strip()
    if match := _ISO_DATE.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _VN_DATE.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise PydanticCustomError("bad_date", "bad date {value}", {"value": text})
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise PydanticCustomError("bad_date", "bad date {value}", {"value": text}) from None


FileDate = Annotated[dt.date, BeforeValidator(_parse_date)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class OverrideEntry(_Strict):
    date: FileDate | None = None
    start: FileDate | None = Field(default=None, alias="from")
    end: FileDate | None = Field(default=None, alias="to")
    reason: str = Field(min_length=1)
    decision: str | None = None

    @model_validator(mode="after")
    def _one_day_or_one_range(self) -> OverrideEntry:
        if self.date is not None and (self.start is not None or self.end is not None):
            raise PydanticCustomError("date_and_range", "both date and from/to")
        if self.date is None and (self.start is None or self.end is None):
            raise PydanticCustomError("no_date", "date, or from and to, missing")
        if self.start is not None and self.end is not None and self.start > self.end:
            dates = {"start": self.start.isoformat(), "end": self.end.isoformat()}
            raise PydanticCustomError("range_reversed", "from after to", dates)
        return self

    def days(self) -> list[dt.date]:
        if self.date is not None:
            return [self.date]
        assert self.start is not None and self.end is not None  # the validator guarantees both
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def label(self) -> str:
        return f"{self.reason} ({self.decision})" if self.decision else self.reason


class YearOverrides(_Strict):
    days_off: list[OverrideEntry] = []
    working_days: list[OverrideEntry] = []


class OverrideFile(RootModel[dict[int, YearOverrides | None]]):
    """Top level: one key per year; a year with nothing under it yet is allowed."""


def _no_timestamps_loader() -> type[yaml.SafeLoader]:
    """A SafeLoader that leaves dates as text, so that `2026-02-30` is our error, not PyYAML's."""

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


_Loader = _no_timestamps_loader()


def _node_line(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the YAML node at `loc` (a pydantic error location), as deep as it exists."""
    node = root
    line = None if node is None else node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
            if found is None:
                break
            line = found[0].start_mark.line + 1
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def N_(message: str) -> str:
    """Marks a message for `pybabel extract`; it is translated where it is used."""
    return message


_ERROR_TEMPLATES = {
    "extra_forbidden": N_("{at}: khóa «{key}» không hợp lệ; các khóa được dùng ở đây: {allowed}."),
    "missing": N_("{at}: thiếu «{key}» (lý do nghỉ hoặc làm bù, ví dụ «reason: Nghỉ Tết»)."),
    "string_too_short": N_("{at}: «{key}» đang để trống; hãy ghi lý do."),
    "string_type": N_("{at}: «{key}» phải là chữ."),
    "bad_date": N_(
        "{at}: «{value}» không phải ngày hợp lệ; viết YYYY-MM-DD (2026-01-02) hoặc DD/MM/YYYY (02/01/2026)."
    ),
    "date_and_range": N_(
        "{at}: ghi «date:» cho một ngày, hoặc «from:» và «to:» cho một khoảng ngày, không ghi cả hai."
    ),
    "no_date": N_("{at}: thiếu ngày; ghi «date:» cho một ngày, hoặc «from:» và «to:» cho một khoảng ngày."),
    "range_reversed": N_("{at}: «from» ({start}) sau «to» ({end}); đổi lại cho đúng thứ tự."),
    "list_type": N_("{at}: «{key}» phải là danh sách, mỗi mục bắt đầu bằng «- date: …»."),
    "model_type": N_("{at}: phải là một mục có «date:» và «reason:»."),
    "year_type": N_("{at}: bên dưới năm phải là «days_off:» và/hoặc «working_days:»."),
}
"""Messages for pydantic's error types (and ours, raised as PydanticCustomError)."""


class _Messages:
    def __init__(self, path: Path, lang: str) -> None:
        self.path = path
        self._ = translations(lang, DOMAIN).gettext

    def where(self, loc: tuple[int | str, ...]) -> str:
        """`năm 2026, days_off, mục 2`: the entry as the admin sees it in the file."""
        parts: list[str] = []
        for index, part in enumerate(loc):
            if index == 0:
                parts.append(self._("năm {year}").format(year=part))
            elif isinstance(part, int):
                parts.append(self._("mục {number}").format(number=part + 1))
            elif part in YEAR_KEYS:
                parts.append(part)
        return ", ".join(parts)

    def at(self, line: int | None, loc: tuple[int | str, ...]) -> str:
        place = str(self.path)
        if line is not None:
            place = self._("{file}, dòng {line}").format(file=self.path, line=line)
        where = self.where(loc)
        return f"{place} ({where})" if where else place

    def unreadable(self, reason: str) -> str:
        return self._(
            "Không đọc được tệp ngày nghỉ {file}: {reason}. Kiểm tra đường dẫn và quyền đọc tệp."
        ).format(file=self.path, reason=reason)

    def not_utf8(self) -> str:
        return self._("Tệp ngày nghỉ {file} không phải văn bản UTF-8; hãy lưu lại tệp với mã UTF-8.").format(
            file=self.path
        )

    def syntax(self, line: int, column: int, problem: str) -> str:
        return self._(
            "{file}, dòng {line}, cột {column}: lỗi cú pháp YAML ({problem}). "
            "Kiểm tra thụt lề, dấu hai chấm và dấu gạch đầu dòng."
        ).format(file=self.path, line=line, column=column, problem=problem)

    def not_years(self) -> str:
        return self._(
            "{file}: cấp ngoài cùng phải là các năm, ví dụ «2026:», và bên dưới mỗi năm là "
            "«days_off:» (ngày nghỉ thêm) và/hoặc «working_days:» (ngày làm bù)."
        ).format(file=self.path)

    def for_error(self, error: ErrorDetails, line: int | None) -> str:
        loc = tuple(error["loc"])
        if "[key]" in loc:
            return self._(
                "{file}, dòng {line}: «{key}» không phải là năm; ghi năm bằng 4 chữ số, ví dụ «2026:»."
            ).format(file=self.path, line=line, key=loc[0])
        kind = error["type"]
        if kind == "model_type" and len(loc) == 1:
            kind = "year_type"
        fields: dict[str, Any] = {
            "at": self.at(line, loc),
            "key": loc[-1] if loc else "",
            "allowed": ", ".join(YEAR_KEYS if len(loc) == 2 else ENTRY_KEYS),
            **(error.get("ctx") or {}),
        }
        template = _ERROR_TEMPLATES.get(kind)
        if template is None:
            return f"{fields['at']}: {error['msg']}"
        return self._(template).format(**fields)

    def outside_year(self, line: int | None, loc: tuple[int | str, ...], day: dt.date, year: int) -> str:
        return self._(
            "{at}: ngày {date} không thuộc năm {year}; sửa ngày hoặc chuyển mục này sang năm {other}."
        ).format(at=self.at(line, loc), date=day.strftime("%d/%m/%Y"), year=year, other=day.year)

    def conflict(self, day: dt.date, off_line: int | None, work_line: int | None) -> str:
        return self._(
            "{file}: ngày {date} vừa là ngày nghỉ (dòng {off_line}) vừa là ngày làm việc (dòng {work_line}); "
            "xóa một trong hai mục."
        ).format(file=self.path, date=day.strftime("%d/%m/%Y"), off_line=off_line, work_line=work_line)


def load_overrides(path: Path, lang: str = "vi") -> Overrides:
    """Read and check the override file; raises HolidayFileError naming the file and the entry."""
    messages = _Messages(path, lang)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise HolidayFileError(messages.not_utf8()) from None
    except OSError as exc:
        raise HolidayFileError(messages.unreadable(exc.strerror or str(exc))) from None
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise HolidayFileError(messages.syntax(line, column, exc.problem or str(exc))) from None
    except yaml.YAMLError as exc:
        raise HolidayFileError(messages.syntax(1, 1, str(exc))) from None
    if data is None:
        return Overrides({}, {})
    if not isinstance(data, dict):
        raise HolidayFileError(messages.not_years())
    try:
        parsed = OverrideFile.model_validate(data)
    except ValidationError as exc:
        # A misspelt key also makes the real one "missing": name the misspelling first.
        first = min(exc.errors(), key=lambda error: error["type"] != "extra_forbidden")
        raise HolidayFileError(messages.for_error(first, _node_line(root, tuple(first["loc"])))) from None

    days: dict[str, dict[dt.date, tuple[str, int | None]]] = {"days_off": {}, "working_days": {}}
    for year, overrides in parsed.root.items():
        if overrides is None:
            continue
        for kind in YEAR_KEYS:
            for index, entry in enumerate(getattr(overrides, kind)):
                loc = (year, kind, index)
                entry_line = _node_line(root, loc)
                for day in entry.days():
                    if day.year != year:
                        raise HolidayFileError(messages.outside_year(entry_line, loc, day, year))
                    days[kind][day] = (entry.label(), entry_line)
    for day, (_, off_line) in sorted(days["days_off"].items()):
        if day in days["working_days"]:
            raise HolidayFileError(messages.conflict(day, off_line, days["working_days"][day][1]))
    return Overrides(
        days_off={day: label for day, (label, _) in days["days_off"].items()},
        working_days={day: label for day, (label, _) in days["working_days"].items()},
    )
