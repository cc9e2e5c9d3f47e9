"""The outline → tasks, targets, reporting duties and the monitoring office.

Rules (domain.md §1): a task is a point of a `Nhiệm vụ, giải pháp` section (a leaf of the
numbering tree, or an item whose own text assigns a unit) or of `Tổ chức thực hiện`; a heading
that ends with a colon (`1. Sở Tài chính:`, `b) Phối hợp với Sở Nội vụ:`) introduces its points
and is not a task itself, and a unit it names leads (or supports) every point under it. Labelled
blocks (`Cơ quan chủ trì:`) apply to their item, a timing line after each bullet to that bullet;
section footers (`Phân công thực hiện:` after the points) apply to every task of the section
above them. Collective leads (`Các sở, ban, ngành`) are kept as written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.deadlines.model import Kind
from bot.folding import fold
from bot.importer.fields import Field, LabelledValue, labelled_values
from bot.importer.horizons import find_horizon
from bot.importer.model import DraftReporting, DraftTarget, DraftTask
from bot.importer.outline import Item
from bot.importer.sections import Section, default_section, section_of
from bot.importer.subjects import (
    CHU_TRI,
    PHOI_HOP,
    Assignment,
    Mention,
    find_assignment,
    split_units,
    subject_at,
    unit_heading,
)
from bot.importer.tables import header_columns, table_items
from bot.importer.timing import committed_deadline, dated_deadlines, find_in_text, read_value
from bot.importer.units import UnitMatcher, UnitRef

_REPORT = re.compile(r"\bb\w?o\s+c\w?o\b")
_PERIODIC = re.compile(r"\bdinh\s+ky\b|\bh\w?ng\s+(?:thang|quy|nam|tuan)\b|\bmoi\s+(?:thang|quy|nam)\b")
_SEND_TO = re.compile(r"\b(?:gui|ve|cho|len|toi|b\w?o\s+c\w?o)\s+")
_VIA = re.compile(r"\(\s*qua\s+")
_MONITOR = re.compile(r"\btheo\s+doi\b|\bdon\s+doc\b|\btong\s+hop\b")


@dataclass
class Extracted:
    tasks: list[DraftTask] = field(default_factory=list)
    targets: list[DraftTarget] = field(default_factory=list)
    reporting: list[DraftReporting] = field(default_factory=list)
    monitor: UnitRef | None = None


class Extractor:
    def __init__(self, matcher: UnitMatcher, ref: dt.date, issuer: str = "") -> None:
        self.matcher = matcher
        self.ref = ref
        self.issuer = issuer
        self._noted: set[str] = set()

    def run(self, root: Item) -> Extracted:
        out = Extracted()
        default = default_section(root)
        scopes = _field_scopes(root)
        self._tables(root, out)
        for item in root.walk():
            kind = section_of(item, default)
            if kind is Section.SKIP:
                continue
            if kind is Section.TARGETS:
                if not item.children and not _is_intro(item):
                    out.targets.append(self._target(item))
                    listed = item.label is not None and item.label.kind != "para"
                    if listed and committed_deadline(_own_text(item), self.ref) is not None:
                        # `Trong năm 2022, hoàn thành việc xây dựng Đề án …`: work with a deadline.
                        out.tasks.append(self._task(item, scopes.get(id(item), []), scopes))
                continue
            if item.tables:
                self._tables(item, out)
            if not item.children and _is_intro(item):
                continue
            if item.children and _introduces_points(item):
                continue
            if (item.children or _holds_task_table(item)) and not find_assignment(_own_text(item)):
                continue
            task = self._task(item, scopes.get(id(item), []), scopes)
            out.tasks.append(task)
            if kind is Section.ORG:
                self._organisation(item, task, out)
        return out

    def _tables(self, item: Item, out: Extracted) -> None:
        """A table of tasks inside the body: its rows are tasks of the item it sits under."""
        for table in item.tables:
            tasks, targets = table_items(
                table, item.id or "PL", self.matcher, self.ref, f"{item.id}. {item.heading}"
            )
            out.tasks += tasks
            out.targets += targets

    # --- tasks -------------------------------------------------------------------------

    def _task(
        self, item: Item, fields: list[LabelledValue], scopes: dict[int, list[LabelledValue]]
    ) -> DraftTask:
        text = _own_text(item)
        task = DraftTask(item.id, text or item.heading, section=_section_heading(item))
        inherited = [value for node in item.ancestors() for value in scopes.get(id(node), [])]
        values = fields + [value for value in inherited if value.field not in {f.field for f in fields}]
        by_field: dict[Field, str] = {}
        for value in values:
            by_field.setdefault(value.field, value.value)
        self._assign(task, item, text, by_field)
        timing_text = by_field.get(Field.TIMING)
        if timing_text:
            task.timing = read_value(timing_text, self.ref)
        else:
            task.timing = find_in_text(text, self.ref)
        self._check_timing(task)
        dates = sorted({timing.due for timing in dated_deadlines(text, self.ref) if timing.due})
        if len(dates) > 1:
            shown = ", ".join(date.strftime("%d/%m/%Y") for date in dates)
            task.notes["title"] = (
                f"đoạn có {len(dates)} mốc thời gian ({shown}): có thể cần tách thành nhiều nhiệm vụ"
            )
        task.product = by_field.get(Field.PRODUCT)
        task.leader = by_field.get(Field.LEADER)
        if by_field.get(Field.TEXT):
            task.text = by_field[Field.TEXT]
        return task

    def _assign(self, task: DraftTask, item: Item, text: str, by_field: dict[Field, str]) -> None:
        assignment: Assignment | None = None
        if Field.LEAD in by_field and _assigns_in_prose(by_field[Field.LEAD]):
            # `Cơ quan thực hiện: Sở Nội vụ chủ trì, phối hợp với Sở Tư pháp.`
            assignment = find_assignment(by_field[Field.LEAD])
        elif Field.LEAD in by_field:
            assignment = _names_only(by_field[Field.LEAD], by_field.get(Field.SUPPORT, ""))
        elif Field.ASSIGN in by_field:
            assignment = find_assignment(by_field[Field.ASSIGN])
        if assignment is None or not assignment.leads:
            own = find_assignment(text)
            if (own is not None and own.leads) or assignment is None:
                assignment = own
        if (assignment is None or not assignment.leads) and item.label:
            assignment = self._inherited(item, assignment, task.notes)
        if assignment is None:
            return
        if Field.SUPPORT in by_field and Field.LEAD not in by_field:
            extra = _names_only(by_field[Field.SUPPORT], "")
            assignment = Assignment(
                assignment.leads, assignment.support + (extra.leads if extra else []), assignment.how
            )
        from_block = assignment.how == "field" or (
            Field.ASSIGN in by_field and not any(mention.name in text for mention in assignment.leads)
        )
        # Units a labelled block or footer assigns together are chosen by the point's topic; units
        # named in the point's own sentence keep the document's order.
        context = (
            " ".join([*(node.heading for node in item.ancestors()[:3]), text[:200]]) if from_block else ""
        )
        task.lead, support = self._lead(list(assignment.leads), task.notes, context)
        support += self._support(assignment.support, task.notes)
        task.support = [ref for ref in support if task.lead is None or ref.id != task.lead.id]

    def _inherited(self, item: Item, own: Assignment | None, notes: dict[str, str]) -> Assignment | None:
        """The lead a point takes from the headings above it: `1. Sở Tài chính:` over its bullets,
        also through `a) Chủ trì, phối hợp:`; `b) Phối hợp với Sở Nội vụ:` adds a supporting unit.
        A bullet also takes a lead from a heading's prose (`Sở X chủ trì thực hiện các nội dung sau`)."""
        assert item.label is not None
        bullet = item.label.kind in ("para", "dash", "plus", "star")
        support = list(own.support) if own is not None else []
        for ancestor in item.ancestors():
            if ancestor.label is None or (
                ancestor.label.kind == "roman" and unit_heading(ancestor.heading) is None
            ):
                break
            owner = unit_heading(ancestor.heading)
            found = (
                Assignment([owner], [], "heading")
                if owner is not None
                else find_assignment(ancestor.heading)
                if bullet or ancestor.heading.rstrip().endswith(":")
                else None
            )
            if found is None:
                continue
            support += found.support
            if found.leads:
                if owner is None:
                    notes["lead"] = f"lấy theo mục {ancestor.id} (đoạn này không ghi đơn vị)"
                return Assignment(found.leads, support, "inherited")
        if own is None and not support:
            return None
        return Assignment([], support, own.how if own is not None else "inherited")

    def _split(self, mentions: list[Mention]) -> list[Mention]:
        """Each mention as one unit when the directory knows it so, else split at its commas."""
        out: list[Mention] = []
        for mention in mentions:
            ref = self.matcher.match(mention.name)
            if ref.unit_id is not None and not ref.partial:
                out.append(mention)
            else:
                out.extend(split_units(Mention(mention.name, 0, len(mention.name)), mention.name))
        return out

    def _lead(
        self, leads: list[Mention], notes: dict[str, str], context: str = ""
    ) -> tuple[UnitRef | None, list[UnitRef]]:
        refs = [(mention, self.matcher.match(mention.name)) for mention in self._split(leads)]
        # A collective lead (`Các sở, ban, ngành`) is what the document assigns: kept as written,
        # in the document's order; the clerk may name one unit instead. Other groups
        # (`các nhà đầu tư`) are not offices the bot can remind.
        usable = [
            (mention, ref)
            for mention, ref in refs
            if ref.unit_id or not mention.generic or mention.collective
        ]
        if not usable:
            if refs:
                notes["lead"] = (
                    f"văn bản giao chung cho «{refs[0][0].name}»: chọn đơn vị chủ trì hoặc để trống"
                )
            return None, []
        if usable[0][0].generic and usable[0][1].unit_id is None:
            notes["lead"] = (
                f"văn bản giao chung cho «{usable[0][0].name}» (nhóm đơn vị, giữ như văn bản; "
                "có thể ghi một đơn vị cụ thể)"
            )
        chosen = _topical(usable, context) if len(usable) > 1 else 0
        lead = usable[chosen][1]
        others = [ref for index, (_, ref) in enumerate(usable) if index != chosen]
        if chosen:
            notes["lead"] = (
                f"văn bản giao cùng lúc cho nhiều đơn vị; chọn «{usable[chosen][0].name}» theo tiêu đề "
                "của mục, các đơn vị còn lại ghi ở support"
            )
        elif others:
            notes["lead"] = (
                "văn bản giao nhiều đơn vị cùng lúc: đơn vị nêu đầu làm chủ trì, còn lại ghi ở support"
            )
        self._note_ref(lead, "lead", notes)
        return lead, others

    def _support(self, mentions: list[Mention], notes: dict[str, str]) -> list[UnitRef]:
        out: list[UnitRef] = []
        for mention in self._split(mentions):
            ref = self.matcher.match(mention.name)
            if ref.unit_id is None and mention.generic and not mention.collective:
                continue  # `phối hợp với các nhà đầu tư`: not an office
            if all(existing.id != ref.id for existing in out):
                out.append(ref)
                if not mention.generic:  # a group (`các cơ quan liên quan`) is kept as written
                    self._note_ref(ref, "support", notes)
        return out

    def _note_ref(self, ref: UnitRef, key: str, notes: dict[str, str]) -> None:
        """Flags a name that matched loosely or not at all, once per name: the clerk checks it
        where it first appears, not on every task a footer assigns it to."""
        exact = ref.unit_id is not None and ref.score == 1.0 and not ref.partial
        if exact or ref.written in self._noted:
            return
        self._noted.add(ref.written)
        if ref.partial:
            notes.setdefault(key, f"«{ref.written}»: chỉ phần đầu khớp với {ref.unit_id}")
        elif ref.unit_id is None:
            notes.setdefault(
                key, f"«{ref.written}» chưa có trong danh bạ: đề xuất thêm đơn vị mã {ref.proposed_id}"
            )
        elif ref.fuzzy:
            notes.setdefault(key, f"«{ref.written}» khớp gần đúng ({ref.score:.2f}) với {ref.unit_id}")

    def _check_timing(self, task: DraftTask) -> None:
        timing = task.timing
        if timing is None:
            return
        deadline = timing.deadline
        if deadline.kind is Kind.NONE:
            task.notes["timing"] = "không quy ra được ngày: ghi thêm due nếu văn bản có hạn cụ thể"
        elif deadline.ambiguous:
            task.notes["timing"] = "thời hạn viết chưa rõ nghĩa: kiểm tra ngày"
        elif deadline.kind is Kind.ONCE and deadline.due is not None and deadline.due < self.ref:
            task.notes["timing"] = "thời hạn trước ngày ban hành"
        elif timing.weak:
            task.notes["timing"] = (
                "mốc năm nằm giữa câu: có thể là mốc của chương trình, quy hoạch được nhắc tới, "
                "không phải hạn của nhiệm vụ"
            )

    # --- targets -----------------------------------------------------------------------

    def _target(self, item: Item) -> DraftTarget:
        text = _own_text(item) or item.heading
        target = DraftTarget(item.id, text)
        horizon = find_horizon(text)
        if horizon is None:
            for ancestor in item.ancestors():
                horizon = find_horizon(ancestor.text)
                if horizon is not None:
                    target.notes["horizon"] = f"lấy theo câu dẫn của mục {ancestor.id or 'đầu'}"
                    break
        target.horizon = horizon
        found = find_assignment(text)
        if found is not None and found.leads and found.leads[0].start < 3:
            target.lead, target.support = self._lead(found.leads, target.notes)
        return target

    # --- Tổ chức thực hiện ---------------------------------------------------------------

    def _organisation(self, item: Item, task: DraftTask, out: Extracted) -> None:
        text = _own_text(item)
        folded = fold(text, keep_marks=True)
        assigned = find_assignment(text)
        if (
            out.monitor is None
            and task.lead is not None
            and _MONITOR.search(folded)
            and assigned is not None
            and assigned.how in ("giao", "chu-tri")  # `Giao Văn phòng … theo dõi, đôn đốc`
        ):
            out.monitor = task.lead
        for sentence in re.split(r"(?<=[.;])\s+", text):
            report = self._reporting(item, task, sentence)
            if report is not None:
                out.reporting.append(report)
                if out.monitor is None:
                    via = _VIA.search(fold(sentence, keep_marks=True))
                    mention = subject_at(sentence, via.end()) if via else None
                    if mention is not None:
                        out.monitor = self.matcher.match(mention.name)

    def _reporting(self, item: Item, task: DraftTask, sentence: str) -> DraftReporting | None:
        folded = fold(sentence, keep_marks=True)
        if not _REPORT.search(folded) or not _PERIODIC.search(folded):
            return None
        timing = find_in_text(sentence, self.ref)
        if timing is not None and timing.deadline.kind is Kind.RECURRING:
            cycle = timing.text
        else:
            periodic = _PERIODIC.search(folded)
            assert periodic is not None
            cycle = sentence[periodic.start() : periodic.end()]
        who: list[UnitRef] = [task.lead] if task.lead else []
        notes: dict[str, str] = {}
        if not who:
            subject = subject_at(_own_text(item))
            if subject is None:
                return None
            who = [self.matcher.match(subject.name)]
            self._note_ref(who[0], "who", notes)
        to = self._recipient(sentence, folded)
        if to is None and self.issuer:
            # Reports go to the issuer unless the text names another office.
            to = self.matcher.match(self.issuer)
            notes["to"] = "văn bản không nêu nơi nhận báo cáo: tạm ghi cơ quan ban hành"
        elif to is not None:
            self._note_ref(to, "to", notes)
        return DraftReporting(item.id, sentence.strip(" ;."), who, to, cycle, notes)

    def _recipient(self, sentence: str, folded: str) -> UnitRef | None:
        """The office named after the cycle: `gửi Sở Công Thương`, `báo cáo UBND tỉnh`."""
        periodic = _PERIODIC.search(folded)
        for match in _SEND_TO.finditer(folded, periodic.start() if periodic else 0):
            mention = subject_at(sentence, match.end(), folded)
            if mention is not None and not mention.generic:
                return self.matcher.match(mention.name)
        return None


# Words every unit name shares: they say nothing about what a unit does.
_NAME_WORDS = {
    "ban",
    "phong",
    "so",
    "cong",
    "phuong",
    "xa",
    "tinh",
    "thi",
    "huyen",
    "va",
    "cac",
    "don",
    "vi",
    "uy",
    "nhan",
    "dan",
    "chi",
    "huy",
    "co",
    "quan",
    "trung",
    "tam",
    "cap",
}


def _topical(candidates: list[tuple[Mention, UnitRef]], context: str) -> int:
    """Among units a footer assigns together (`Ban Chỉ huy quân sự, Công an phường chủ trì`), the
    one whose name shares words with the point's headings (`Về công tác quân sự`), else the first."""
    words = set(re.findall(r"\w+", fold(context, keep_marks=True)))
    scores = [
        len(set(re.findall(r"\w+", fold(mention.name, keep_marks=True))) - _NAME_WORDS & words)
        for mention, _ in candidates
    ]
    best = max(scores)
    return scores.index(best) if best > 0 and scores.count(best) == 1 else 0


def _introduces_points(item: Item) -> bool:
    """`1. Sở Tài chính:`, `a) Chủ trì, phối hợp:`, `Giao Sở X thực hiện các nội dung sau:` over
    points of their own: a heading, not a task."""
    own = _own_text(item).rstrip()
    return own.endswith(":") and len(own) < 240


def _assigns_in_prose(value: str) -> bool:
    folded = fold(value, keep_marks=True)
    return CHU_TRI.search(folded) is not None or PHOI_HOP.search(folded) is not None


def _names_only(lead_text: str, support_text: str) -> Assignment | None:
    """A labelled value (`Cơ quan chủ trì: Sở Nội vụ`) is a list of names, no verb needed."""
    lead_clean, support_clean = lead_text.strip(" .;"), support_text.strip(" .;")
    leads = [Mention(lead_clean, 0, len(lead_clean))] if lead_clean else []
    support = [Mention(support_clean, 0, len(support_clean))] if support_clean else []
    if not leads and not support:
        return None
    return Assignment(leads, support, "field")


def _field_scopes(root: Item) -> dict[int, list[LabelledValue]]:
    """Which item each group of labelled blocks applies to.

    A point followed by its own labelled line (`- Xây dựng …` / `Thời gian hoàn thành: Quý I`),
    among sibling points that have theirs or before more points, keeps it. Footers sit at the end
    of a section, after its points, so they are attached to the deepest point above them; the
    level they apply to is the deepest level every such group shares. Every task inside that item
    inherits them.
    """
    holders = [item for item in root.walk() if item.fields]
    if not holders:
        return {}
    holding = {id(item) for item in holders}
    scopes: dict[int, list[LabelledValue]] = {}
    footers: list[Item] = []
    for item in holders:
        if _owns_its_fields(item, holding):
            scopes.setdefault(id(item), []).extend(item.fields)
        else:
            footers.append(item)
    common: set[str] | None = None
    for item in footers:
        kinds = {node.label.level_kind for node in [item, *item.ancestors()] if node.label is not None}
        common = kinds if common is None else common & kinds
    for item in footers:
        target = item
        for node in [item, *item.ancestors()]:
            if node.label is not None and common and node.label.level_kind in common:
                target = node
                break
        scopes.setdefault(id(target), []).extend(item.fields)
    return scopes


def _owns_its_fields(item: Item, holding: set[int]) -> bool:
    parent = item.parent
    if parent is None or item.label is None or len(parent.children) < 2:
        return False
    siblings = [child for child in parent.children if child is not item]
    return item is not parent.children[-1] or any(id(sibling) in holding for sibling in siblings)


def _holds_task_table(item: Item) -> bool:
    return any(header_columns(row) is not None for table in item.tables for row in table.rows[:4])


def _own_text(item: Item) -> str:
    """The item's words without its labelled blocks (those are read as fields)."""
    parts: list[str] = []
    for paragraph in item.paragraphs:
        values = labelled_values(paragraph)
        parts.append(paragraph[: values[0].label_start] if values else paragraph)
    return " ".join(part.strip() for part in parts if part.strip())


def _is_intro(item: Item) -> bool:
    """`Cụ thể là:`: a sentence that only introduces the points after it."""
    return item.text.rstrip().endswith(":") and not item.children


def _section_heading(item: Item) -> str:
    for node in item.ancestors():
        if node.label is not None and node.label.kind not in ("para", "dash", "plus", "star"):
            return f"{node.id}. {node.heading}"[:110]
    return ""
