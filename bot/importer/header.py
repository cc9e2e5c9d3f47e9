"""The document's header: issuer, number (`Số: 04/KH-UBND`), issue date, title."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.folding import fold

_NUMBER = re.compile(r"\b[Ss][ốoô6ỐÔO]\s*[:.]?\s*(\d+)\s*/\s*([A-ZĐ][A-ZĐ0-9]*(?:\s*-\s*[A-ZĐ][A-ZĐ0-9]*)*)")
_DATE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_ANY_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/\s?(\d{4})\b")
_MOTTO = re.compile(r"\b(?:cong hoa|c\w?ng h\w?a xa|doc lap|\w?\w?c\s*[1l]ap\s*-|tu do\s*-)")
_TYPE = re.compile(r"^\s*(ke hoach|chuong trinh|de an|phuong an)\b")
_ISSUES = re.compile(
    r"(?P<who>(?:ubnd|uy ban nhan dan|thi uy|tinh uy|huyen uy|thanh uy|ban chap hanh|ban thuong vu"
    r"|so|dang uy)"
    r"[^,;.]{0,60}?)\s+(?:xay dung|ban hanh)\s+(?:va\s+(?:\w+\s+){1,4})?(?:ke hoach|chuong trinh)"
)


_ORG = re.compile(
    r"^(?:uy ban|ubnd|hoi dong|thi uy|tinh uy|huyen uy|thanh uy|dang uy|ban |so |bo |van phong)"
)
_LEVEL_WORDS = {"tinh", "xa", "huyen", "quan", "phuong"}
_LEVEL_PAIRS = {"thanh pho", "thi xa", "thi tran"}


def _tidy_issuer(text: str) -> str:
    """`ỦY BAN NHÂN DÂN THỊ XÃ BỈM SƠN` → `UBND thị xã Bỉm Sơn`, as offices write it in running text."""
    if not text.isupper():
        return text
    folded = fold(text, keep_marks=True)
    prefix = ""
    rest = text
    if folded.startswith("uy ban nhan dan"):
        prefix, rest = "UBND", text[len("uy ban nhan dan") :]
    words = rest.split()
    out: list[str] = []
    index = 0
    while index < len(words):
        pair = " ".join(fold(word, keep_marks=True) for word in words[index : index + 2])
        if pair in _LEVEL_PAIRS:
            out += [word.lower() for word in words[index : index + 2]]
            index += 2
            continue
        word = words[index]
        out.append(word.lower() if fold(word, keep_marks=True) in _LEVEL_WORDS else word.capitalize())
        index += 1
    return " ".join([prefix, *out]).strip() if prefix else " ".join(out)


@dataclass
class Header:
    issuer: str | None = None
    number: str | None = None
    issued: dt.date | None = None
    title: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    """Field → why it needs checking."""


def read_header(
    preamble: list[str], tail: list[str], body: list[str] | None = None, *, today: dt.date
) -> Header:
    header = Header()
    lines = preamble[:12]
    for line in lines:
        match = _NUMBER.search(line)
        if match:
            header.number = _clean_number(f"{match.group(1)}/{match.group(2)}")
            break
    for line in lines:
        date = _DATE.search(fold(line, keep_marks=True))
        if date:
            header.issued = _date(*date.groups())
            if header.issued:
                break
    from_lines, from_prose = _issuer_from_lines(lines), _issuer_from_prose(preamble)
    if from_lines and (_ORG.match(fold(from_lines, keep_marks=True)) or not from_prose):
        header.issuer = _tidy_issuer(from_lines)
    elif from_prose:
        header.issuer = from_prose
        header.notes["issuer"] = "suy ra từ câu dẫn (phần đầu văn bản thiếu hoặc không đọc được)"
    else:
        header.notes["issuer"] = "không tìm thấy cơ quan ban hành: điền theo bản gốc"
    if header.number is None:
        header.number = "?"
        header.notes["number"] = "không tìm thấy số, ký hiệu (Số: …/KH-…): điền theo bản gốc"
    if header.issued is None:
        header.issued = _latest_date(preamble + tail + (body or []))
        if header.issued is None:
            header.issued = today
            header.notes["issued"] = "không tìm thấy ngày ban hành; tạm lấy ngày hôm nay: điền theo bản gốc"
        else:
            header.notes["issued"] = (
                "không tìm thấy ngày ban hành; tạm lấy ngày muộn nhất nhắc trong văn bản "
                "(các thời hạn không ghi năm được tính theo ngày này): điền theo bản gốc"
            )
    header.title = _title(preamble)
    if header.title is None:
        header.notes["title"] = "không tìm thấy trích yếu: điền theo bản gốc"
    elif title_is_partial(header.title):
        header.notes["title"] = "chỉ tìm thấy loại văn bản: chép thêm trích yếu (kế hoạch về việc gì)"
    return header


def _clean_number(raw: str) -> str:
    return re.sub(r"\s*([/-])\s*", r"\1", raw.strip())


def _date(day: str, month: str, year: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _latest_date(paragraphs: list[str]) -> dt.date | None:
    found = [_date(*match.groups()) for text in paragraphs for match in _ANY_DATE.finditer(text)]
    dates = [date for date in found if date is not None]
    return max(dates) if dates else None


def _issuer_from_lines(lines: list[str]) -> str | None:
    parts: list[str] = []
    for line in lines:
        folded = fold(line, keep_marks=True)
        if _NUMBER.search(line) or _DATE.search(folded) or re.match(r"^\s*s[o6]\s*:", folded):
            break
        words: list[str] = []
        for word in line.split():
            letters = [char for char in word if char.isalpha()]
            if not letters or not all(char.isupper() for char in letters):
                break
            words.append(word)
        text = " ".join(words)
        motto = _MOTTO.search(fold(text, keep_marks=True))
        if motto:
            text = text[: motto.start()].strip()
        if text and not _TYPE.match(fold(text, keep_marks=True)):
            parts.append(text)
        elif parts:
            break
    issuer = " ".join(parts).strip(" -")
    return issuer or None


def _issuer_from_prose(preamble: list[str]) -> str | None:
    for text in preamble:
        folded = fold(text, keep_marks=True)
        match = _ISSUES.search(folded)
        if match:
            return text[match.start("who") : match.end("who")].strip()
    return None


def _title(preamble: list[str]) -> str | None:
    for index, text in enumerate(preamble):
        if _TYPE.match(fold(text, keep_marks=True)) and (text.isupper() or len(text) < 80):
            words = text.split()
            kind = " ".join(words)
            subtitle = preamble[index + 1] if index + 1 < len(preamble) else ""
            if subtitle and not subtitle.rstrip().endswith(":") and len(subtitle) < 500:
                kind_text = kind.capitalize() if kind.isupper() else kind
                return f"{kind_text} {subtitle[0].lower()}{subtitle[1:]}"
            return kind.capitalize() if kind.isupper() else kind
    return None


def title_is_partial(title: str | None) -> bool:
    """Only the document type (`Kế hoạch hành động`): its subject was not found."""
    if title is None or len(title.split()) > 4:
        return False
    return _TYPE.match(fold(title, keep_marks=True)) is not None
