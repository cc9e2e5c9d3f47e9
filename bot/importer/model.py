"""The draft plan the importer builds, before it is written as YAML or JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.importer.header import Header
from bot.importer.timing import Timing
from bot.importer.units import UnitRef


@dataclass
class DraftTask:
    id: str
    text: str
    section: str = ""
    """Heading of the section the task sits in (written as a comment above it)."""
    lead: UnitRef | None = None
    support: list[UnitRef] = field(default_factory=list)
    leader: str | None = None
    timing: Timing | None = None
    product: str | None = None
    notes: dict[str, str] = field(default_factory=dict)
    """Field → why it needs checking (`# kiểm tra lại: …`)."""


@dataclass
class DraftTarget:
    id: str
    text: str
    horizon: str | None = None
    lead: UnitRef | None = None
    support: list[UnitRef] = field(default_factory=list)
    leader: str | None = None
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class DraftReporting:
    id: str
    text: str
    who: list[UnitRef]
    to: UnitRef | None
    cycle: str
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class Draft:
    header: Header
    source: str
    monitor: UnitRef | None = None
    tasks: list[DraftTask] = field(default_factory=list)
    targets: list[DraftTarget] = field(default_factory=list)
    reporting: list[DraftReporting] = field(default_factory=list)
    lost_diacritics: bool = False
    """The text has (almost) no Vietnamese diacritics: an OCR copy whose names need correcting."""

    def proposals(self) -> dict[str, str]:
        """Unmatched unit names → proposed new directory entries (id → name as written)."""
        refs: list[UnitRef] = []
        for task in self.tasks:
            refs.extend([task.lead] if task.lead else [])
            refs.extend(task.support)
        for target in self.targets:
            refs.extend([target.lead] if target.lead else [])
            refs.extend(target.support)
        for report in self.reporting:
            refs.extend(report.who)
            refs.extend([report.to] if report.to else [])
        if self.monitor:
            refs.append(self.monitor)
        out: dict[str, str] = {}
        for ref in refs:
            if ref.unit_id is None:
                out.setdefault(ref.proposed_id, ref.written)
        return out

    def review_count(self) -> int:
        groups: list[list[DraftTask] | list[DraftTarget] | list[DraftReporting]] = [
            self.tasks,
            self.targets,
            self.reporting,
        ]
        notes = sum(len(item.notes) for group in groups for item in group)
        return len(self.header.notes) + notes + int(self.lost_diacritics)
