"""What a section of the plan holds, from its heading: tasks, targets, organisation, or background."""

from __future__ import annotations

import re
from enum import StrEnum

from bot.folding import fold
from bot.importer.outline import Item


class Section(StrEnum):
    TASKS = "tasks"
    TARGETS = "targets"
    ORG = "org"
    """Tổ chức thực hiện: who monitors, reporting duties, and tasks for the units."""
    SKIP = "skip"


_LEAD_WORDS = re.compile(r"^(?:cac|mot so|ve|nhung)\s+")
_SKIP = (
    "muc dich",
    "yeu cau",
    "quan diem",
    "ket qua",
    "han che",
    "nguyen nhan",
    "danh gia",
    "boi canh",
    "can cu",
    "tinh hinh",
    "thuc trang",
    "su can thiet",
    "bai hoc",
    "ton tai",
)


def classify(item: Item) -> Section | None:
    """The kind of section an item's heading announces, or None when it announces none."""
    heading = " ".join(re.sub(r"[^a-z0-9 ]", " ", fold(item.heading, keep_marks=True)).split())
    if (
        not heading
        or len(item.heading) > 160
        or (not item.children and item.label and item.label.kind != "roman")
    ):
        return None
    heading = _LEAD_WORDS.sub("", heading)
    if re.match(r"to chuc th\w*\s*\w?\s*hi\w*n", heading):
        return Section.ORG
    has_tasks = "nhiem vu" in heading or "giai phap" in heading
    # `Một số chỉ tiêu cụ thể` (OCR: `Mt s6 chi tiéu cu thé`): the kind word is among the first few.
    if re.match(r"^(?:\w+\s+){0,2}(?:muc tieu|chi tieu)\b", heading) and not has_tasks:
        return Section.TARGETS
    if has_tasks:
        return Section.TASKS
    if heading.startswith(_SKIP):
        return Section.SKIP
    return None


def section_of(item: Item, default: Section) -> Section:
    for node in [item, *item.ancestors()]:
        kind = classify(node)
        if kind is not None:
            return kind
    return default


def default_section(root: Item) -> Section:
    """Without a `Nhiệm vụ` heading anywhere, every numbered item is a task."""
    return Section.SKIP if any(classify(item) is Section.TASKS for item in root.walk()) else Section.TASKS
