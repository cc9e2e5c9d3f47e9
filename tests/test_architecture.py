"""The house rules, checked from the code itself: no two packages of `bot/` import each other,
one clock, one settings class read at the composition root."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import bot

BOT = Path(bot.__file__).resolve().parent
SKIPPED = {"migrations"}  # Alembic's scripts are run by Alembic, not imported by the bot


def sources() -> list[Path]:
    return sorted(path for path in BOT.rglob("*.py") if SKIPPED.isdisjoint(path.relative_to(BOT).parts))


def package_of(path: Path) -> str:
    """The first level under bot/: a package (`outbox`) or a module (`settings`)."""
    return path.relative_to(BOT).parts[0].removesuffix(".py")


def imported_modules(path: Path) -> set[str]:
    """Every `bot.…` module the file imports, at the top or inside functions."""
    # For `pkg/__init__.py` and `pkg/mod.py` alike, a relative import of level 1 starts at `pkg`.
    package = list(path.relative_to(BOT.parent).with_suffix("").parts)[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            name = ".".join([*base, node.module] if node.module else base)
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("bot.")}


def package_imports() -> dict[str, dict[str, set[str]]]:
    """package → imported package → the files that import it."""
    edges: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for path in sources():
        source = package_of(path)
        for name in imported_modules(path):
            target = name.split(".")[1]
            exists = (BOT / target).is_dir() or (BOT / f"{target}.py").exists()
            if exists and target != source and target not in SKIPPED:
                edges[source][target].add(path.relative_to(BOT).as_posix())
    return edges


def cycles(edges: dict[str, dict[str, set[str]]]) -> list[list[str]]:
    """Strongly connected groups of more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(set(edges) | {t for targets in edges.values() for t in targets}):
        if node not in index:
            visit(node)
    return found


def test_no_two_packages_import_each_other() -> None:
    edges = package_imports()
    loops = cycles(edges)
    detail = [
        f"{a} → {b}: {sorted(edges[a][b])}" for group in loops for a in group for b in group if b in edges[a]
    ]
    assert loops == [], "\n".join(detail)


def test_the_checker_sees_a_loop() -> None:
    edges: dict[str, dict[str, set[str]]] = {"a": {"b": {"a.py"}}, "b": {"c": {"b.py"}}, "c": {"a": {"c.py"}}}
    assert cycles(edges) == [["a", "b", "c"]]
    assert cycles({"a": {"b": {"a.py"}}}) == []


WALL_CLOCK = re.compile(
    r"\b(datetime|dt)\.(datetime\.)?(now|utcnow|today)\(|\bdate\.today\(|\btime\.time\(\)"
)


def test_only_the_clock_and_the_command_line_read_the_wall_clock() -> None:
    readers = [
        f"{path.relative_to(BOT).as_posix()}:{number}"
        for path in sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line) and not line.lstrip().startswith("#")
    ]
    assert readers == ["clock.py:23"]


def test_settings_are_read_at_the_composition_root_only() -> None:
    readers = sorted(
        path.relative_to(BOT).as_posix()
        for path in sources()
        if re.search(r"\b(load_settings|Settings)\(", path.read_text(encoding="utf-8"))
    )
    assert readers == ["cli/settings.py", "settings.py"]
