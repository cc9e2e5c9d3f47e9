"""How well `nhacviec plans import` drafts plans, against hand annotations: the seed plans (the
hand-checked `plans/*.yaml`) and every JSON-annotated document of the development corpus.

For each seed document (default `/work/shared/seeds/*.txt`, or the paths given), the hand plan is
the `plans/*.yaml` whose `source:` names the seed's file. Corpus documents are the `*.json` files
under `tests/data/import/structures/` and `tests/data/import_corpus/` (the schema of `plans import
--format json`, plus `document`: the file it annotates, and `source`: where it comes from); their
units are compared by name (folded: case, diacritics, spacing and punctuation ignored). Tasks are
paired by id, then (for the rest) by text similarity. Figures, per document and overall:

- recall: hand tasks that have a lead unit or a timing, found by the importer as a task of their
  own; "merged" counts the hand tasks the transcriber split out of one paragraph
  (`III.5.-8.ha-lan`) that the importer left inside that paragraph's task (`III.5.-8`);
- precision: imported tasks that pair with a hand task;
- lead: paired tasks with a lead in the hand plan whose imported lead is the same unit;
- support: paired tasks whose imported supporting units are the hand plan's (as a set; a task
  with none on both sides counts as right);
- due: paired tasks with a dated timing (or `due`) in the hand plan whose imported date is the same.

It also times the import of a synthetic 60-page document (the seeds concatenated) as text, as a
DOCX (python-docx, with Word list styles) and as a text-layer PDF (matplotlib's PDF backend).
Run: `.venv/bin/python benchmarks/import_accuracy.py [SEED ...]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import json
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.deadlines import Kind, parse_deadline  # noqa: E402
from bot.folding import fold  # noqa: E402
from bot.importer.draft import import_document  # noqa: E402
from bot.importer.labels import parse_label  # noqa: E402
from bot.importer.model import Draft, DraftTask  # noqa: E402
from bot.plans.loader import load_directory  # noqa: E402
from bot.plans.references import UnitIndex  # noqa: E402

TODAY = dt.date(2026, 12, 1)
"""Stands in for the issue date of a document that shows none (never the wall clock)."""

SEEDS = Path("/work/shared/seeds")
CORPUS_DIRS = (ROOT / "tests" / "data" / "import" / "structures", ROOT / "tests" / "data" / "import_corpus")
TEXT_MATCH = 0.45
PAGE_CHARS = 3000


@dataclass
class HandTask:
    id: str
    title: str
    lead: str | None
    due: dt.date | None
    support: frozenset[str] = frozenset()


@dataclass
class Score:
    name: str
    hand: int = 0
    hand_assigned: int = 0
    found_assigned: int = 0
    imported: int = 0
    paired: int = 0
    lead_total: int = 0
    lead_right: int = 0
    support_total: int = 0
    support_right: int = 0
    due_total: int = 0
    due_right: int = 0
    extra_due: int = 0
    merged: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for key in (
            "hand",
            "hand_assigned",
            "found_assigned",
            "imported",
            "paired",
            "lead_total",
            "lead_right",
            "support_total",
            "support_right",
            "due_total",
            "due_right",
            "extra_due",
            "merged",
        ):
            setattr(self, key, getattr(self, key) + getattr(other, key))


def _ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}% ({part}/{whole})" if whole else "    –"


def hand_plans() -> dict[str, dict[str, Any]]:
    plans: dict[str, dict[str, Any]] = {}
    for path in sorted((ROOT / "plans").glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        source = str((data or {}).get("source") or "")
        if source:
            plans[source.split()[0]] = data
    return plans


def hand_tasks(data: dict[str, Any], index: UnitIndex) -> list[HandTask]:
    issued = (
        data["issued"] if isinstance(data["issued"], dt.date) else dt.date.fromisoformat(str(data["issued"]))
    )
    out: list[HandTask] = []
    for task in data.get("tasks") or []:
        lead = task.get("lead")
        unit = index.find(str(lead)) if lead else None
        due = task.get("due")
        if due is None and task.get("timing"):
            deadline = parse_deadline(str(task["timing"]), issued)
            due = deadline.due if deadline.kind is Kind.ONCE else None
        support = task.get("support") or []
        support = [support] if isinstance(support, str) else support
        ids = frozenset(found.id if (found := index.find(str(name))) else str(name) for name in support)
        out.append(HandTask(str(task["id"]), str(task.get("title", "")), unit.id if unit else lead, due, ids))
    return out


def pair(hand: list[HandTask], imported: list[DraftTask]) -> list[tuple[HandTask, DraftTask]]:
    by_id = {task.id: task for task in imported}
    pairs: list[tuple[HandTask, DraftTask]] = []
    used: set[str] = set()
    rest: list[HandTask] = []
    for task in hand:
        if task.id in by_id and task.id not in used:
            pairs.append((task, by_id[task.id]))
            used.add(task.id)
        else:
            rest.append(task)
    for task in rest:
        best, best_score = None, TEXT_MATCH
        for candidate in imported:
            if candidate.id in used:
                continue
            score = difflib.SequenceMatcher(None, fold(task.title)[:300], fold(candidate.text)[:300]).ratio()
            if score > best_score:
                best, best_score = candidate, score
        if best is not None:
            pairs.append((task, best))
            used.add(best.id)
    return pairs


def score_seed(seed: Path, data: dict[str, Any], draft: Draft, index: UnitIndex) -> Score:
    score = Score(seed.name[:12])
    hand = hand_tasks(data, index)
    score.hand = len(hand)
    score.imported = len(draft.tasks)
    pairs = pair(hand, draft.tasks)
    paired_ids = {h.id for h, _ in pairs}
    score.paired = len(pairs)
    assigned = [h for h in hand if h.lead or h.due or _has_timing(data, h.id)]
    score.hand_assigned = len(assigned)
    score.found_assigned = sum(1 for h in assigned if h.id in paired_ids)
    imported_ids = {task.id for task in draft.tasks}
    unpaired = [h for h in assigned if h.id not in paired_ids]
    merged = [h for h in unpaired if any(h.id.startswith(task_id + ".") for task_id in imported_ids)]
    score.merged = len(merged)
    score.misses = [h.id for h in unpaired if h not in merged]
    for h, task in pairs:
        if h.lead:
            score.lead_total += 1
            score.lead_right += task.lead is not None and task.lead.id == h.lead
        score.support_total += 1
        score.support_right += frozenset(ref.id for ref in task.support) == h.support
        imported_due = task.timing.due if task.timing else None
        if h.due:
            score.due_total += 1
            score.due_right += imported_due == h.due
        elif imported_due:
            score.extra_due += 1
    return score


def _has_timing(data: dict[str, Any], task_id: str) -> bool:
    return any(str(t.get("id")) == task_id and t.get("timing") for t in data.get("tasks") or [])


def name_key(name: str) -> str:
    """A unit name compared as the clerk would: case, diacritics, spacing, punctuation ignored."""
    return "".join(char for char in fold(name.replace("&", " và ")) if char.isalnum())


def corpus_documents() -> list[tuple[Path, dict[str, Any]]]:
    found: list[tuple[Path, dict[str, Any]]] = []
    for folder in CORPUS_DIRS:
        for annotation in sorted(folder.glob("*.json")):
            data = json.loads(annotation.read_text(encoding="utf-8"))
            found.append((annotation.parent / data["document"], data))
    return found


def score_corpus_document(path: Path, data: dict[str, Any], draft: Draft) -> Score:
    score = Score(path.stem[:14])
    hand = [
        HandTask(
            str(task["ref"]),
            str(task.get("text") or ""),
            name_key(task["lead"]) if task.get("lead") else None,
            dt.date.fromisoformat(task["due"]) if task.get("due") else None,
            frozenset(name_key(name) for name in task.get("support") or []),
        )
        for task in data["tasks"]
    ]
    score.hand = score.hand_assigned = len(hand)
    score.imported = len(draft.tasks)
    pairs = pair(hand, draft.tasks)
    score.paired = score.found_assigned = len(pairs)
    paired_ids = {h.id for h, _ in pairs}
    score.misses = [h.id for h in hand if h.id not in paired_ids]
    for h, task in pairs:
        if h.lead:
            score.lead_total += 1
            score.lead_right += task.lead is not None and name_key(task.lead.written) == h.lead
        score.support_total += 1
        score.support_right += frozenset(name_key(ref.written) for ref in task.support) == h.support
        imported_due = task.timing.due if task.timing else None
        if h.due:
            score.due_total += 1
            score.due_right += imported_due == h.due
        elif imported_due:
            score.extra_due += 1
    return score


def long_text(seeds: list[Path], pages: int) -> str:
    text = "\n\n".join(seed.read_text(encoding="utf-8") for seed in seeds)
    while len(text) < pages * PAGE_CHARS:
        text += "\n\n" + text
    cut = text.find("\n\n", pages * PAGE_CHARS)
    return text if cut < 0 else text[:cut]


def write_docx(text: str, path: Path) -> None:
    """The text as Word writes a plan: bullets and lettered points in list styles (their labels
    live in numbering.xml, not in the text), the rest as plain paragraphs."""
    import docx

    document = docx.Document()
    for line in text.split("\n"):
        line = line.strip()
        label = parse_label(line) if line else None
        if not line:
            continue
        if label is not None and label.kind == "dash":
            document.add_paragraph(line[label.end :], style="List Bullet")
        elif label is not None and label.kind == "letter":
            document.add_paragraph(line[label.end :], style="List Number 2")
        else:
            document.add_paragraph(line)
    document.save(str(path))


def write_pdf(text: str, path: Path) -> int:
    import matplotlib

    matplotlib.use("pdf")
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

    lines = [wrapped for paragraph in text.split("\n") for wrapped in textwrap.wrap(paragraph, 95) or [""]]
    per_page = 46
    with PdfPages(str(path)) as pdf:
        for start in range(0, len(lines), per_page):
            figure = Figure(figsize=(8.27, 11.69))
            for index, line in enumerate(lines[start : start + per_page]):
                figure.text(0.05, 0.96 - index * 0.0205, line, fontsize=8)
            pdf.savefig(figure)
    return -(-len(lines) // per_page)


def time_long_documents(seeds: list[Path], directory: Any, pages: int) -> list[tuple[str, int, float]]:
    """(kind, pages, CPU seconds of the import) for the synthetic long plan as .txt, .docx, .pdf."""
    text = long_text(seeds, pages)
    pages = round(len(text) / PAGE_CHARS)
    out: list[tuple[str, int, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        paths = {kind: Path(folder) / f"sixty-pages.{kind}" for kind in ("txt", "docx", "pdf")}
        paths["txt"].write_text(text, encoding="utf-8")
        write_docx(text, paths["docx"])
        pdf_pages = write_pdf(text, paths["pdf"])
        for kind, path in paths.items():
            start = time.process_time()
            import_document(path, directory, today=TODAY)
            out.append((kind, pdf_pages if kind == "pdf" else pages, time.process_time() - start))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=Path)
    parser.add_argument(
        "--pages", type=int, default=60, help="length of the synthetic long document (the target is for 60)"
    )
    args = parser.parse_args()
    seeds = args.seeds or sorted(SEEDS.glob("*.txt"))
    directory, _ = load_directory(ROOT / "plans" / "directory")
    index = UnitIndex(directory.units)
    plans = hand_plans()
    total = Score("overall")
    rows: list[Score] = []
    for seed in seeds:
        data = plans.get(seed.name)
        if data is None:
            print(f"{seed.name}: no hand plan in plans/ names it as source (skipped)")
            continue
        draft = import_document(seed, directory, today=TODAY)
        row = score_seed(seed, data, draft, index)
        rows.append(row)
        total.add(row)
    print("Seed plans (hand-checked plans/*.yaml)")
    print_table(rows, total)
    corpus_rows: list[Score] = []
    corpus_total = Score("overall")
    for path, data in corpus_documents():
        row = score_corpus_document(path, data, import_document(path, None, today=TODAY))
        corpus_rows.append(row)
        corpus_total.add(row)
    if corpus_rows:
        print("\nCorpus documents (JSON annotations; see each file's `source`)")
        print_table(corpus_rows, corpus_total)
    for kind, pages, seconds in time_long_documents(seeds, directory, args.pages):
        print(f"synthetic {pages}-page document as .{kind}: imported in {seconds:.2f} s CPU (target < 3 s)")
    return 0


def print_table(rows: list[Score], total: Score) -> None:
    columns = (
        ("recall", 20),
        ("precision", 20),
        ("lead", 20),
        ("support", 20),
        ("due", 20),
    )
    header = (
        f"{'document':14} " + " ".join(f"{name:{width}}" for name, width in columns) + " extra dues  merged"
    )
    print(header)
    print("-" * len(header))
    for row in [*rows, total]:
        figures = (
            _ratio(row.found_assigned, row.hand_assigned),
            _ratio(row.paired, row.imported),
            _ratio(row.lead_right, row.lead_total),
            _ratio(row.support_right, row.support_total),
            _ratio(row.due_right, row.due_total),
        )
        cells = " ".join(f"{figure:{width}}" for figure, (_, width) in zip(figures, columns, strict=True))
        print(f"{row.name:14} {cells} {row.extra_due:<11} {row.merged}")
    for row in rows:
        if row.misses:
            print(f"  missed in {row.name}: {', '.join(row.misses[:12])}")


if __name__ == "__main__":
    raise SystemExit(main())
