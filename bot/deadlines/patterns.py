"""The timing-phrase grammar, as regular expressions over folded text (see `normalize.fold`).

Every repetition is bounded, so one match attempt reads a bounded number of characters and a
scan is linear in the text. Keywords that OCR often damages accept the observed confusions
(ư→w/y, ơ/ô/ố→o/0/6/d/e, c→e at a word's end, Đ→P, l→1): `trwée`→`trwee` reads as `truoc`,
`cudi` as `cuoi`, `Pinh ky` as `dinh ky`.

`SCAN` is one alternation whose alternatives each begin with a plain character (a digit, or a
keyword's first letter) outside any group: the regex engine skips every position that cannot
start a cue without entering the pattern, which keeps a megabyte of text well under a second.
Each cue is an inner named group `<kind>__<n><c>`; `cue_kind(match)` gives the kind. Numbers are
read back from the matched text.
"""

from __future__ import annotations

import re

_ = r"[ ]{0,3}"
"""A gap between words (folded text has only ` ` as white space)."""
GAP = r"[ ,.:;]{0,4}"
YEAR = r"(?:19|20|21)\d\d"
NUM2 = r"\d{1,2}"

TRUOC = r"tr[uwy][o0d6e][ce]"
CUOI = r"c[uw][o0d6e]i"
QUY = r"q[uw][yvi]"
"""quý, also spelt quí."""
DEN = r"[dp]en"

DAY_MONTH_SEP = rf"(?:[ ]?[/.\-][ ]?|{_}thang{_})"
MONTH_YEAR_SEP = rf"(?:[ ]?[/.\-][ ]?|{_},?{_}nam{_}|,{_})"
YEAR_RANGE_SEP = rf"{_}(?:-|{DEN}(?:{_}het)?(?:{_}nam)?|toi(?:{_}nam)?){_}"
LIST_SEP = rf"{_}(?:,|-|va|{DEN}|toi){_}"
"""Between the members of a list or range of months or quarters (`tháng 6-7/2025`, `Quý I, II`)."""
NO_MORE_DATE = rf"(?!\d|[ ]?[/.\-][ ]?\d|{_},?{_}nam{_}\d|{_}thang{_}\d)"
"""After a day or month: the number is not followed by more of a date."""
MONTH_WORD = rf"gieng|muoi{_}mot|muoi{_}hai|mot|hai|ba|tu|nam|sau|bay|tam|chin|muoi|chap"
"""A month in words: tháng Giêng, tháng Hai … tháng Mười Hai (tháng Chạp)."""
ROMAN_QUARTER = r"[il1]v|[il1]{1,3}|[2-4]"
"""I–IV or 1–4, and OCR readings of I (`l`, `1`: `11` = II) where no other reading exists."""
QUY_UNIT = rf"{QUY}(?!{_}(?:hoach|trinh|dinh|che|mo|tac|pham|uoc|chuan|luat|doi|trach|tu|nap|hoa|dao|cach))"
"""quý (the quarter), not quy hoạch / quy trình / quy định (a plan, a procedure, a rule)."""
UNIT = rf"(?:tuan|thang|{QUY_UNIT}|nam(?!{_}\d))"
RELATIVE_TAIL = (
    rf"{_}(?:la{_})?(?:(?:thoi{_}han|vong|thoi{_}gian){_})?\d{{1,3}}{_}(?:ngay|tuan|thang)(?:{_}lam{_}viec)?"
    rf"(?![a-z])(?!{_}(?:dau|cuoi|nam))"
)
"""`trong 5 ngày làm việc`, `sau 30 ngày`: a period counted from an event (no fixed date)."""
MONTHS_OF_YEAR_TAIL = rf"{_}(?:thang{_})?(?:dau|{CUOI}){_}nam(?:{_}{YEAR})?(?!\d)"
"""After a count: `6 tháng đầu năm 2025`, `nửa cuối năm`."""
YEAR_POINT_TAIL = rf"{_}nam(?![a-z0-9]|{_}\d)"
"""`cuối năm` with no year."""

# Each entry: (kind, first character or class, the rest). The first character is matched
# outside the group, so kinds that need it (numbers) read it back from the matched text.
_SPECS: tuple[tuple[str, str, str], ...] = (
    # 24/7, 24/24 (round-the-clock operation), listed before `numeric` so it wins at the same place
    ("round_clock", "2", rf"4{_}/{_}(?:7|24)(?!\d|[ ]?[/.\-][ ]?\d)(?:{_}(?:gio|h))?"),
    # 30/6/2025, 30-6-2025, 15 tháng 3 năm 2025, 4/2017, 20/3
    (
        "numeric",
        r"\d",
        rf"\d?(?:{DAY_MONTH_SEP}{NUM2}{MONTH_YEAR_SEP}{YEAR}(?!\d)"
        rf"|[ ]?[/\-][ ]?{YEAR}(?!\d|[ ]?[/\-][ ]?[a-z0-9])"
        rf"|(?:[ ]?[/.\-][ ]?|{_}thang{_}){NUM2}{NO_MORE_DATE}(?![ ]?[/.\-]))",
    ),
    # 6 tháng đầu năm 2025; 6 tháng một lần
    ("months_of_year", r"\d", rf"\d?{MONTHS_OF_YEAR_TAIL}"),
    ("every_months", r"\d", rf"\d?{_}thang{_}(?:mot|1|/){_}lan"),
    # 14 giờ, 14h00, 8 giờ 30, 14:00
    ("time", r"\d", rf"\d?(?:{_}(?:gio|h)(?:{_}\d\d)?(?:{_}phut)?|:\d\d)(?![a-z0-9])"),
    # 2025, 2021-2025, 2016 đến 2020
    (
        "years",
        r"\d",
        rf"(?:(?<=1)9|(?<=2)[01])\d\d(?:{YEAR_RANGE_SEP}{YEAR})?(?!\d|[ ]?[/\-.,][ ]?\d|[ ]?[/\-][ ]?[a-z])",
    ),
    # ngày 30/6/2025, ngày 15 tháng 3 năm 2025
    ("numeric", "n", rf"gay{_}{NUM2}{DAY_MONTH_SEP}{NUM2}{MONTH_YEAR_SEP}{YEAR}(?!\d)"),
    # ngày 20/3, ngày 20 tháng 3
    ("day_month", "n", rf"gay{_}{NUM2}{DAY_MONTH_SEP}{NUM2}{NO_MORE_DATE}"),
    # ngày cuối tháng, ngày làm việc cuối cùng của tháng, ngày cuối quý
    (
        "last_day",
        "n",
        rf"gay{_}(?:lam{_}viec{_})?{CUOI}(?:{_}cung)?(?:{_}cua)?{_}(?:(?:hang|moi|cac){_})?(?:thang|{QUY_UNIT})",
    ),
    # ngày 15 (hằng tháng)
    ("day", "n", rf"gay{_}{NUM2}{NO_MORE_DATE}"),
    # năm 2025, Năm 2024-2025, năm 2016 đến năm 2020
    ("years", "n", rf"(?<!viet n)am{_}{YEAR}(?:{YEAR_RANGE_SEP}{YEAR})?(?!\d)"),
    ("months_of_year", "n", rf"ua{MONTHS_OF_YEAR_TAIL}"),
    ("onward", "n", rf"hung{_}nam{_}(?:tiep{_}theo|ke{_}tiep|sau)"),
    # tháng 4/2017, tháng 12 năm 2025, tháng 6-7/2025, tháng 10
    (
        "month",
        "t",
        rf"hang{_}{NUM2}(?:{LIST_SEP}(?:thang{_})?{NUM2}(?![0-9]|[ ]{{0,3}}(?!nam|va|{DEN}|toi)[a-z])){{0,2}}"
        rf"(?:(?:{MONTH_YEAR_SEP}|[ ]{{1,3}}(?={YEAR})){YEAR})?(?!\d|[ ]?[/.\-][ ]?\d)",
    ),
    # tháng cuối quý, tháng đầu quý
    (
        "quarter_months",
        "t",
        rf"hang{_}(?:dau|{CUOI})(?:{_}(?:cung|tien))?{_}(?:cua{_})?(?:moi{_}|cac{_}|hang{_})?{QUY}",
    ),
    # từ ngày 1 đến ngày 5 (hằng tháng)
    # từ ngày 1 đến ngày 5 (hằng tháng); từ ngày 15 tháng trước đến ngày 14 (a cut-off window)
    (
        "window",
        "t",
        rf"u{_}ngay{_}{NUM2}(?P<window_prior>{_}(?:cua{_})?thang{_}truoc)?{_}(?:{DEN}|-|toi){_}(?:ngay{_})?{NUM2}"
        rf"{NO_MORE_DATE}",
    ),
    # thứ Sáu, thứ 6
    ("weekday", "t", rf"hu{_}(?:hai|ba|tu|nam|sau|bay|[2-7])(?![a-z0-9]|{_}\d)"),
    # thường xuyên, but not chi thường xuyên (recurrent spending)
    ("continuous", "t", rf"(?<!chi t)(?<!chi  t)h[uwy][o0d6e]ng{_}xuyen"),
    # trong năm (this year)
    ("year_point", "t", rf"rong{YEAR_POINT_TAIL}"),
    # (ngày 5) tháng sau: the month after each period
    ("next_period", "t", rf"hang{_}(?:sau|tiep{_}theo|ke{_}tiep|bao{_}cao)"),
    # từ năm 2027 trở đi: a start with no end
    ("onward", "t", rf"ro{_}di"),
    ("relative", "t", rf"r(?:ong|[uwy][o0d6e][ce]){RELATIVE_TAIL}"),
    ("no_date", "t", rf"heo{_}(?:yeu{_}cau|chi{_}dao)"),
    # quý 12017, quý 112017 (OCR of quý I/2017, quý II/2017: the slash lost)
    ("quarter_ocr", "q", rf"[uw][yvi]{_}(?:[1-4]|[il1]{{2,3}}|[il1]v){YEAR}(?!\d)"),
    # quý II/2017, quý 2 năm 2017, Quý II, 2017, Quý I, II/2025
    (
        "quarter",
        "q",
        rf"[uw][yvi]{_}(?P<qn>{ROMAN_QUARTER})(?:{LIST_SEP}(?:{QUY}{_})?(?P<qn2>{ROMAN_QUARTER})(?![a-z0-9])){{0,2}}"
        rf"(?:(?:{MONTH_YEAR_SEP}|[ ]{{1,3}})(?P<qy>{YEAR})(?!\d))?(?![a-z0-9]|[ ]?[/.\-][ ]?\d)",
    ),
    # quý 5/2025: not a quarter, and not month 5 either
    ("bad_quarter", "q", rf"[uw][yvi]{_}\d{{1,2}}(?:{MONTH_YEAR_SEP}{YEAR})?(?!\d)"),
    ("freq", "h", rf"ang{_}{UNIT}"),
    ("continuous", "h", rf"ang{_}ngay"),
    ("freq", "m", rf"oi{_}{UNIT}"),
    # định kỳ (hằng) tháng, định kỳ 6 tháng (Đ read as P by OCR)
    ("freq", "[dp]", rf"inh{_}k[yi]{_}(?:(?:hang|moi){_})?(?:{UNIT}|\d{{1,2}}{_}thang)"),
    ("year_point", "d", rf"au{YEAR_POINT_TAIL}"),
    ("no_date", "d", rf"ot{_}xuat"),
    ("year_point", "g", rf"iua{YEAR_POINT_TAIL}"),
    ("year_point", "c", rf"[uw][o0d6e]i{YEAR_POINT_TAIL}"),
    ("relative", "c", rf"ham{_}nhat{RELATIVE_TAIL}"),
    ("weekday", "c", rf"hu{_}nhat"),
    ("months_of_year", "c", rf"hin{MONTHS_OF_YEAR_TAIL}"),
    ("onward", "c", rf"ac{_}nam{_}(?:tiep{_}theo|ke{_}tiep|sau)"),
    ("months_of_year", "s", rf"au{MONTHS_OF_YEAR_TAIL}"),
    ("every_months", "s", rf"au{_}thang{_}(?:mot|1|/){_}lan"),
    ("relative", "s", rf"au{RELATIVE_TAIL}"),
    ("no_date", "s", rf"au{_}khi"),
    # riêng tháng Hai (là ngày cuối tháng): one month's own due day
    (
        "except_month",
        "r",
        rf"ieng{_}(?:(?:doi{_}voi|voi|trong){_})?thang{_}(?:{MONTH_WORD}|1[0-2]|0?[1-9])(?![a-z0-9])",
    ),
    ("months_of_year", "b", rf"a{MONTHS_OF_YEAR_TAIL}"),
    # báo cáo tháng / quý / 6 tháng / năm: a periodic report (its unit is left for other cues)
    (
        "report",
        "b",
        # `báo cáo 6 tháng đầu năm` is the report's name, taken whole so it is not read as a period
        rf"ao{_}cao(?:{_}(?P<report_half>0?6|sau){_}thang{_}(?:dau|{CUOI}){_}nam(?![a-z]|{_}\d)"
        rf"|(?={_}(?:(?:dinh{_}ky|hang|moi){_})?(?P<report_unit>tuan|thang|{QUY_UNIT}|0?6{_}thang|sau{_}thang|nam)"
        rf"(?![a-z]|{_}\d)))",
    ),
    ("continuous", "[l1]", rf"ien{_}tuc"),
    ("no_date", "k", rf"ip{_}thoi|e{_}tu{_}khi"),
    ("no_date", "k", rf"hi{_}co{_}(?:yeu{_}cau|chi{_}dao|van{_}ban|de{_}nghi|phat{_}sinh)"),
    ("relative", "k", rf"hong{_}qua{RELATIVE_TAIL}"),
)


def _first_characters(first: str) -> list[str]:
    if first == r"\d":
        return list("0123456789")
    if first.startswith("["):
        return list(first[1:-1])
    return [first]


def _build(specs: tuple[tuple[str, str, str], ...]) -> re.Pattern[str]:
    """One alternative per first character (a plain literal, so the engine can skip to the
    characters that may start a cue), holding that character's cues in their listed order."""
    by_first: dict[str, list[str]] = {}
    for index, (kind, first, rest) in enumerate(specs):
        characters = _first_characters(first)
        if len(characters) > 1 and "(?P<" in rest:
            raise ValueError(f"{kind}: a cue spread over several first characters cannot name groups")
        for character in characters:
            by_first.setdefault(character, []).append(f"(?P<{kind}__{index}{character}>{rest})")
    alternatives = [
        # The look-behind keeps a cue from starting inside a word (`nam` in `vietnam`).
        f"{character}(?<![a-z0-9]{character})(?:{'|'.join(inner)})"
        for character, inner in by_first.items()
    ]
    return re.compile("(?:" + "|".join(alternatives) + r")(?![a-z])")


SCAN = _build(_SPECS)
"""All timing cues, leftmost first; a cue never starts or ends inside a word."""


def cue_kind(match: re.Match[str]) -> str:
    return (match.lastgroup or "").partition("__")[0]


NUMBER = re.compile(r"\d+")
POINT_BEFORE = re.compile(
    rf"(?<![a-z0-9])(?P<point>dau|giua|{CUOI}|th[uw][o0d6e]ng{_}tuan|trung{_}tuan|ha{_}tuan){_}$"
)
"""đầu / giữa / cuối (BLDS Điều 146), thượng / trung / hạ tuần right before a month, quarter or year."""

DOCUMENT = (
    rf"(?:nghi{_}dinh|nghi{_}quyet|quyet{_}dinh|thong{_}tu|chi{_}thi|ket{_}luan|cong{_}van"
    rf"|to{_}trinh|thong{_}bao|huong{_}dan)"
)
"""A kind of document: the date right after it is the document's, not a deadline."""

MARKER_BEFORE = re.compile(
    r"(?<![a-z0-9])(?:"
    rf"(?P<shift>{TRUOC})"
    rf"|(?P<strong>(?:cham{_}nhat|han(?:{_}chot)?|thoi{_}han|thoi{_}gian{_}(?:hoan{_}thanh|thuc{_}hien)"
    rf"|hoan{_}thanh|xong|ket{_}thuc|nop|gui)(?:{_}(?:la|vao|trong|{DEN}|het))?)"
    rf"|(?P<weak>(?:tu{_}nay{_}|cho{_})?[dpb]en(?:{_}het)?|toi|trong|vao|phan{_}dau|giai{_}doan|thoi{_}ky|dip)"
    rf"|(?P<anchor>ke{_}tu(?:{_}ngay)?(?:{_}(?:ket{_}thuc|het))?)"
    rf"|(?P<start>tu|bat{_}dau(?:{_}tu)?)"
    rf"|(?P<other>sau|so{_}voi|tam{_}nhin|theo|ban{_}hanh|luat|{DOCUMENT})"
    r"|(?P<doc>\d+[ ]?[-/][ ]?[a-z][a-z0-9\-/]{0,20}|so)"
    rf"){GAP}$"
)
"""The deadline word right before a date cue (searched in a short window ending at the cue)."""
LOOKBEHIND = 40
"""How far back `MARKER_BEFORE` looks: the longest marker phrase plus its gap."""

CONNECTOR = re.compile(rf"{_}(?:,|;|-|va|{DEN}(?:{_}het)?|toi|cho{_}{DEN}|hoac){_}(?:{_}va{_})?")
"""What may join the two ends of a range or list: `tháng 5 và tháng 6`, `từ ngày 1/3 đến ngày 30/6`."""

_NEXT = rf"(?:sau(?!{_}khi)|tiep{_}theo|toi|ke{_}tiep|lien{_}ke)(?![a-z])"
NEXT_YEAR = re.compile(rf"[ ,]{{0,3}}(?:(?P<of>cua)|trong)?{_}nam{_}(?P<next>{_NEXT})")
"""After a year-less date: `năm sau` (the year after the reference year)."""
EACH_NEXT_YEAR = re.compile(rf"(?:tiep{_}theo|lien{_}ke|ke{_}tiep)$")
"""`năm tiếp theo`, `năm liền kề`: the year after each reporting year, not one year (with `của`,
`năm sau` too: `trước ngày 20 tháng 01 của năm sau` is a yearly report's deadline)."""
NEXT_AFTER_YEAR = re.compile(rf"{_}{_NEXT}")
"""After `đầu năm` / `cuối năm`: `sau`, `tới` (`đầu năm sau`)."""

WEEKDAYS = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5, "nhat": 6}
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
