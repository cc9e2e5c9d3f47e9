"""The draft as a plan file (plans/README.md): keys in the documented order, the document's order
and numbering, and a `# kiểm tra lại: <why>` comment on every value the importer is unsure of.

Written as text so that comments sit next to their values; each scalar is quoted by PyYAML.
"""

from __future__ import annotations

import datetime as dt

import yaml

from bot.importer.model import Draft, DraftReporting, DraftTarget, DraftTask
from bot.importer.units import UnitRef

REVIEW = "# kiểm tra lại:"


def scalar(value: str | dt.date) -> str:
    """One YAML scalar on one line, quoted when plain style would change its meaning."""
    if isinstance(value, dt.date):
        return value.isoformat()
    dumped = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1_000_000)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def keyed(key: str, value: str, indent: int, comment: str = "") -> list[str]:
    """`key: value` wrapped at about 100 columns, as PyYAML folds a long scalar; `comment`
    follows the value's last line."""
    dumped = yaml.safe_dump({key: value}, allow_unicode=True, width=100 - indent, sort_keys=False)
    lines = [" " * indent + line for line in dumped.rstrip("\n").split("\n")]
    lines[-1] += comment
    return lines


def _review(notes: dict[str, str], key: str) -> str:
    note = notes.get(key)
    return f"  {REVIEW} {_one_line(note)}" if note else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _ref_list(refs: list[UnitRef]) -> str:
    return "[" + ", ".join(scalar(ref.id) for ref in refs) + "]"


def render_yaml(draft: Draft) -> str:
    header = draft.header
    lines = [
        f"# Bản nháp do `nhacviec plans import` soạn từ {draft.source}.",
        f"# Đọc lại từng dòng «{REVIEW} …», sửa cho đúng văn bản rồi xoá ghi chú; sau đó chạy",
        "# `nhacviec plans check`. Tên tệp bắt đầu bằng `_` thì bot bỏ qua (dùng khi còn là nháp).",
    ]
    if draft.lost_diacritics:
        lines.append(
            f"{REVIEW} văn bản gần như mất hết dấu tiếng Việt (bản OCR): tên và nội dung được chép "
            "nguyên văn, cần sửa chính tả."
        )
    lines += [
        "",
        f"issuer: {scalar(header.issuer or '?')}{_review(header.notes, 'issuer')}",
        f"number: {scalar(header.number or '?')}{_review(header.notes, 'number')}",
        f"issued: {scalar(header.issued or '?')}{_review(header.notes, 'issued')}",
        *keyed("title", header.title or "?", 0, _review(header.notes, "title")),
        f"source: {scalar(draft.source)}",
    ]
    if draft.monitor is not None:
        lines.append(f"monitor: {scalar(draft.monitor.id)}{_unit_note(draft.monitor)}")
    if draft.tasks:
        lines += ["", "tasks:"]
        section = None
        for task in draft.tasks:
            if task.section and task.section != section:
                section = task.section
                lines.append(f"  # {_one_line(section)}")
            lines += _task(task)
    if draft.targets:
        lines += ["", "targets:"]
        for target in draft.targets:
            lines += _target(target)
    if draft.reporting:
        lines += ["", "reporting:"]
        for report in draft.reporting:
            lines += _reporting(report)
    proposals = draft.proposals()
    if proposals:
        lines += [
            "",
            f"{REVIEW} các đơn vị dưới đây chưa có trong danh bạ. Thêm vào plans/directory/ (sửa mã",
            "# và tên cho đúng), hoặc thay mã trong kế hoạch bằng mã đơn vị đã có:",
            "# units:",
        ]
        for unit_id, name in proposals.items():
            lines += [f"#   - id: {unit_id}", f"#     name: {scalar(name)}"]
    return "\n".join(lines) + "\n"


def _unit_note(ref: UnitRef) -> str:
    if ref.unit_id is None:
        return f"  {REVIEW} «{_one_line(ref.written)}» chưa có trong danh bạ"
    if ref.fuzzy:
        return f"  {REVIEW} «{_one_line(ref.written)}» khớp gần đúng"
    return ""


def _task(task: DraftTask) -> list[str]:
    notes = task.notes
    lines = [f"  - id: {scalar(task.id)}", *keyed("title", task.text, 4, _review(notes, "title"))]
    if task.lead is not None:
        lines.append(f"    lead: {scalar(task.lead.id)}{_review(notes, 'lead')}")
    elif "lead" in notes:
        lines.append(f"    {REVIEW} lead — {_one_line(notes['lead'])}")
    if task.support:
        lines.append(f"    support: {_ref_list(task.support)}{_review(notes, 'support')}")
    elif "support" in notes:
        lines.append(f"    {REVIEW} support — {_one_line(notes['support'])}")
    if task.leader:
        lines.append(f"    leader: {scalar(task.leader)}")
    if task.timing is not None:
        lines.append(f"    timing: {scalar(task.timing.text)}{_review(notes, 'timing')}")
    if task.product:
        lines.append(f"    product: {scalar(task.product)}")
    return lines


def _target(target: DraftTarget) -> list[str]:
    notes = target.notes
    lines = [f"  - id: {scalar(target.id)}", *keyed("text", target.text, 4)]
    if target.horizon:
        lines.append(f"    horizon: {scalar(target.horizon)}{_review(notes, 'horizon')}")
    if target.lead is not None:
        lines.append(f"    lead: {scalar(target.lead.id)}{_review(notes, 'lead')}")
    if target.support:
        lines.append(f"    support: {_ref_list(target.support)}{_review(notes, 'support')}")
    if target.leader:
        lines.append(f"    leader: {scalar(target.leader)}")
    return lines


def _reporting(report: DraftReporting) -> list[str]:
    notes = report.notes
    to = report.to.id if report.to else "?"  # only without an issuer: `plans check` then asks for it
    return [
        f"  - id: {scalar(report.id)}",
        *keyed("text", report.text, 4),
        f"    who: {_ref_list(report.who)}{_review(notes, 'who')}",
        f"    to: {scalar(to)}{_review(notes, 'to')}",
        f"    cycle: {scalar(report.cycle)}{_review(notes, 'cycle')}",
    ]
