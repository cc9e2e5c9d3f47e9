"""Labelled blocks: `Cơ quan chủ trì: …`, `Thời gian thực hiện: Thường xuyên`, in any spelling OCR left.

The label is compared with the known ones on folded text with a similarity ratio, so
`Phén céng thue hién:` still reads as `Phân công thực hiện:`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum

from bot.folding import fold


class Field(StrEnum):
    LEAD = "lead"
    ASSIGN = "assign"
    """`Phân công thực hiện: Giao X chủ trì, phối hợp với Y`: lead and support in prose."""
    SUPPORT = "support"
    TIMING = "timing"
    TEXT = "text"
    PRODUCT = "product"
    LEADER = "leader"


_LABELS: dict[str, Field] = {
    "co quan chu tri": Field.LEAD,
    "don vi chu tri": Field.LEAD,
    "co quan thuc hien": Field.LEAD,
    "don vi thuc hien": Field.LEAD,
    "chu tri": Field.LEAD,
    "co quan chu tri thuc hien": Field.LEAD,
    "phan cong thuc hien": Field.ASSIGN,
    "trach nhiem thuc hien": Field.ASSIGN,
    "phan cong": Field.ASSIGN,
    "to chuc thuc hien": Field.ASSIGN,
    "co quan phoi hop": Field.SUPPORT,
    "don vi phoi hop": Field.SUPPORT,
    "phoi hop": Field.SUPPORT,
    "co quan phoi hop thuc hien": Field.SUPPORT,
    "thoi gian thuc hien": Field.TIMING,
    "thoi gian hoan thanh": Field.TIMING,
    "thoi han hoan thanh": Field.TIMING,
    "thoi han": Field.TIMING,
    "tien do thuc hien": Field.TIMING,
    "tien do hoan thanh": Field.TIMING,
    "nhiem vu": Field.TEXT,
    "noi dung": Field.TEXT,
    "noi dung nhiem vu": Field.TEXT,
    "noi dung thuc hien": Field.TEXT,
    "san pham": Field.PRODUCT,
    "ket qua dau ra": Field.PRODUCT,
    "san pham dau ra": Field.PRODUCT,
    "lanh dao chi dao": Field.LEADER,
}
_PREFIX = re.compile(r"\s*([^\W\d_][^:\n.;]{1,38}?)\s*:\s*")
_SEGMENT = re.compile(r"[.;]\s+|\s[-–+]\s+")
_THRESHOLD = 0.75


@dataclass(frozen=True, slots=True)
class LabelledValue:
    field: Field
    value: str
    """The text after the colon, as written, up to the next labelled block."""
    value_start: int
    label_start: int = 0


def match_field_label(label: str) -> Field | None:
    """The field a label names (`Cơ quan chủ trì`, `Thoi gian thwc hién`), or None."""
    folded = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(label, keep_marks=True)).split())
    if not folded:
        return None
    best, best_ratio = None, 0.0
    for known, field in _LABELS.items():
        if abs(len(known) - len(folded)) > 6:
            continue
        ratio = SequenceMatcher(None, folded, known).ratio()
        if ratio > best_ratio:
            best, best_ratio = field, ratio
    # Short labels (`Thời hạn`) look like other short words (`Nơi nhận`): they must match closely.
    needed = _THRESHOLD if len(folded) >= 12 else 0.9
    return best if best_ratio >= needed else None


def labelled_value(text: str) -> LabelledValue | None:
    """`Cơ quan chủ trì: Sở Nội vụ` → (LEAD, `Sở Nội vụ`); prose with a colon later → None."""
    values = labelled_values(text)
    return values[0] if values and values[0].label_start == 0 else None


def labelled_values(text: str) -> list[LabelledValue]:
    """Every labelled block in a paragraph, also several in a row and after the task's own words:
    `Xây dựng đề án. Cơ quan chủ trì: Sở Nội vụ; thời gian hoàn thành: quý II/2018.`"""
    found: list[tuple[int, int, Field]] = []
    starts = [0, *(match.end() for match in _SEGMENT.finditer(text))]
    for start in starts:
        match = _PREFIX.match(text, start)
        if match is None:
            continue
        field = match_field_label(match.group(1))
        if field is not None:
            found.append((start, match.end(), field))
    values: list[LabelledValue] = []
    for index, (start, value_start, field) in enumerate(found):
        end = found[index + 1][0] if index + 1 < len(found) else len(text)
        value = text[value_start:end].strip().rstrip(";,").strip()
        values.append(LabelledValue(field, value, value_start, start))
    return values


def match_header(cell: str) -> Field | None:
    """A table header cell → the field its column holds (`Cơ quan chủ trì` → LEAD)."""
    folded = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(cell, keep_marks=True)).split())
    if not folded:
        return None
    if re.search(r"\b(?:tt|stt|so tt)\b", folded) and len(folded) <= 6:
        return None
    if "lanh dao" in folded:
        return Field.LEADER
    if "chu tri" in folded or ("thuc hien" in folded and "co quan" in folded):
        return Field.LEAD
    if "phoi hop" in folded:
        return Field.SUPPORT
    if "thoi gian" in folded or "thoi han" in folded or "tien do" in folded:
        return Field.TIMING
    if "san pham" in folded or "ket qua" in folded:
        return Field.PRODUCT
    if "noi dung" in folded or "nhiem vu" in folded or "ten chi tieu" in folded or "chi tieu" in folded:
        return Field.TEXT
    return match_field_label(cell)
