"""Reading a YAML file into plain data while keeping where every key and value was written.

PyYAML's loaders forget positions and silently keep the last of two equal keys; clerks need both
the line of a mistake and to hear about a key written twice. So the file is composed into nodes
(which carry marks) and converted here. Scalars are kept as the text written (`1.10` stays
`1.10`, `no` stays `no`): the pydantic models convert them where a number, date or flag is due,
which avoids YAML 1.1 surprises such as `id: 1.10` becoming the number 1.1.

Files are composed by libyaml (PyYAML's C parser, 15× faster; tags are resolved only as far as
null, the one tag used here) when it gives exactly what the pure-Python parser gives. It words
syntax errors differently and differs in a few corners (tabs, a stray byte-order mark, tags
`!…`, a `?` inside `[…]`, `|#`, a complex key, a last line without a line break), so a file with
an error or any of those is read again by the pure-Python parser: every problem keeps the text
and the line:column it always had. (Differential fuzzing of mutated seed plans found those
corners; a file that has none reads identically.)

Aliases (`*name`) are expanded, so a few lines could stand for billions of values (the "billion
laughs") or for a value inside itself; nesting could also outrun Python's stack. Expansion and
nesting are therefore capped, and a file over a cap is refused with the alias (or value) that
crosses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Protocol

import yaml

from bot.plans import messages as msg

Loc = tuple[str | int, ...]
"""Path to a node: mapping keys and 0-based list indices."""
Position = tuple[int, int]
"""1-based line and column."""

MAX_DEPTH = 50
"""Values nested deeper than this are refused (a plan needs four levels: tasks, item, key, list)."""
MAX_ALIAS_VALUES = 10_000
"""Values that aliases may add to one file, all aliases together."""

_NULL_TAG = "tag:yaml.org,2002:null"
_FLOWS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}
_SPECIAL_START = re.compile(r"^(?:found character '(.)' that cannot start any token|found undefined alias)")
_PURE_ONLY = re.compile(r"[\t\ufeff?]|(?:^|[\s\[{,])!|[|>][-+0-9]*#", re.MULTILINE)
"""What libyaml reads differently from the pure-Python parser (see the module docstring)."""
_LINE_ENDS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
"""Plain scalars YAML 1.1 reads as null (PyYAML's implicit resolver); scalars are otherwise text."""


class _NullResolver(yaml.resolver.BaseResolver):
    """The one thing the converter asks of a tag: whether a plain scalar is null. PyYAML's full
    resolver tries a dozen regular expressions per scalar (ints, floats, dates) for tags this
    reader never uses; a tagged scalar (`!…`) goes to the pure-Python reader anyway."""

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _NULL_TAG if implicit[0] and value in _NULLS else self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is yaml.SequenceNode else self.DEFAULT_MAPPING_TAG


def _fast_loader() -> Any:
    """PyYAML's C parser with the null-only resolver; None when PyYAML was built without libyaml."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class FastLoader(CParser, _NullResolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _NullResolver.__init__(self)

    return FastLoader


_FAST_LOADER: Any = _fast_loader()


@dataclass
class YamlIssue:
    """A problem found while reading; the loader turns it into a `Problem`."""

    code: str
    loc: Loc
    position: Position
    template: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass
class YamlDoc:
    data: Any
    values: dict[Loc, Position]
    """Where each value starts."""
    keys: dict[Loc, Position]
    """Where each mapping key is written (the loc includes the key)."""
    issues: list[YamlIssue]

    def where(self, loc: Loc) -> Position:
        """The best position for `loc`: the key, else the value, else the nearest enclosing node."""
        for end in range(len(loc), -1, -1):
            part = loc[:end]
            if part in self.keys:
                return self.keys[part]
            if part in self.values:
                return self.values[part]
        return (1, 1)


class _Mark(Protocol):
    """A position in the text, from either parser (libyaml's marks are a class of their own)."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


def _position(mark: _Mark | None) -> Position:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _syntax_issue(error: yaml.MarkedYAMLError, text: str) -> YamlIssue:
    problem = error.problem or ""
    position = _position(error.problem_mark)
    if "'\\t'" in problem or "\t" in problem:
        return YamlIssue("yaml-syntax", (), position, msg.YAML_TAB)
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        quote = text[error.context_mark.index] if error.context_mark.index < len(text) else '"'
        return YamlIssue("yaml-syntax", (), _position(error.context_mark), msg.YAML_QUOTE, {"quote": quote})
    if error.context in _FLOWS and error.context_mark is not None:
        opening, closing = _FLOWS[error.context]
        return YamlIssue(
            "yaml-syntax",
            (),
            _position(error.context_mark),
            msg.YAML_BRACKET,
            {"opening": opening, "closing": closing},
        )
    if problem.startswith("found unknown escape character"):
        return YamlIssue("yaml-syntax", (), position, msg.YAML_ESCAPE)
    special = _SPECIAL_START.match(problem)
    if special is not None:
        char = special.group(1) or "*"
        return YamlIssue("yaml-syntax", (), position, msg.YAML_SPECIAL, {"char": char})
    if problem.startswith("mapping values are not allowed"):
        return YamlIssue("yaml-syntax", (), position, msg.YAML_COLON)
    if "expected <block end>" in problem or problem.startswith("did not find expected key"):
        return YamlIssue("yaml-syntax", (), position, msg.YAML_INDENT)
    detail = f"{error.context}: {problem}" if error.context else problem
    return YamlIssue("yaml-syntax", (), position, msg.YAML_OTHER, {"problem": detail})


class _Fallback(Exception):
    """libyaml's nodes hold something only the pure-Python parser renders as it always did."""


class _OverLimit(Exception):
    """A cap is crossed at `loc`; `_limit_issue` finds the alias or value to blame."""

    def __init__(self, loc: Loc) -> None:
        super().__init__(loc)
        self.loc = loc


class _Converter:
    def __init__(self, *, fast: bool) -> None:
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
        self.issues: list[YamlIssue] = []
        self.fast = fast
        # An alias is the same node object met again: `seen` finds it, `open` finds an alias
        # inside its own anchor, `expanding` counts the aliases being expanded around `loc`.
        self.seen: set[int] = set()
        self.open: set[int] = set()
        self.expanding = 0
        self.expanded = 0

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        if len(loc) > MAX_DEPTH:
            raise _OverLimit(loc)
        identity = id(node)
        if identity in self.seen:
            return self._alias(node, loc, identity)
        self.seen.add(identity)
        if self.expanding:
            self._count(loc)
        return self._value(node, loc)

    def _alias(self, node: yaml.Node, loc: Loc, identity: int) -> Any:
        if identity in self.open:
            raise _OverLimit(loc)
        self.expanding += 1
        try:
            self._count(loc)
            return self._value(node, loc)
        finally:
            self.expanding -= 1

    def _count(self, loc: Loc) -> None:
        self.expanded += 1
        if self.expanded > MAX_ALIAS_VALUES:
            raise _OverLimit(loc)

    def _value(self, node: yaml.Node, loc: Loc) -> Any:
        mark = node.start_mark
        self.values.setdefault(loc, (mark.line + 1, mark.column + 1))
        if isinstance(node, yaml.ScalarNode):
            # libyaml marks a plain scalar with style "", the pure-Python parser with None.
            if node.tag == _NULL_TAG and not node.style:
                return None
            return node.value
        identity = id(node)
        self.open.add(identity)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, loc)
            assert isinstance(node, yaml.SequenceNode)
            return [self.convert(item, (*loc, index)) for index, item in enumerate(node.value)]
        finally:
            self.open.discard(identity)

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key = str(key_node.value)
            elif self.fast:
                raise _Fallback  # the key is named by its mark, which libyaml prints without the line
            else:
                key = str(key_node.start_mark)
            key_loc = (*loc, key)
            mark = key_node.start_mark
            key_position = (mark.line + 1, mark.column + 1)
            if key in result:
                first_line = self.keys[key_loc][0]
                self.issues.append(
                    YamlIssue(
                        "duplicate-key",
                        key_loc,
                        key_position,
                        msg.DUPLICATE_KEY,
                        {"key": key, "first_line": first_line},
                    )
                )
                continue
            self.keys[key_loc] = key_position
            result[key] = self.convert(value_node, key_loc)
        return result


@dataclass
class _Open:
    """A collection still open in the event stream."""

    anchor: str | None
    mapping: bool
    values: int = 1
    below: int = 0
    children: int = 0


def _limit_issue(text: str, loader: Any, over: _OverLimit, doc: YamlDoc) -> YamlIssue:
    """The alias (or value) that crosses a cap, found again in the parser's events in document
    order, which is the order the converter met it; its own position and name make the message.
    Counted as the converter counts: values (not mapping keys), and their depth below the root."""
    sizes: dict[str, tuple[int, int]] = {}
    """Closed anchors: the values each stands for and how deep they nest below it."""
    stack: list[_Open] = []
    expanded = 0

    def is_key() -> bool:
        """Whether the next node is a mapping key (keys and values alternate)."""
        if not stack:
            return False
        parent = stack[-1]
        parent.children += 1
        return parent.mapping and parent.children % 2 == 1

    def add(values: int, below: int) -> None:
        if stack:
            stack[-1].values += values
            stack[-1].below = max(stack[-1].below, below + 1)

    def issue(template: str, mark: _Mark | None, **values: object) -> YamlIssue:
        return YamlIssue("yaml-limit", (), _position(mark), template, values)

    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionEndEvent):
            closed = stack.pop()
            if closed.anchor is not None:
                sizes[closed.anchor] = (closed.values, closed.below)
            add(closed.values, closed.below)
            continue
        if not isinstance(event, yaml.NodeEvent):
            continue
        key = is_key()
        if isinstance(event, yaml.AliasEvent):
            name = str(event.anchor)
            if name not in sizes:  # the file composed, so its anchor is still open: the alias is inside it
                return issue(msg.YAML_ALIAS_LOOP, event.start_mark, alias=name)
            if key:
                continue
            values, below = sizes[name]
            expanded += values
            if expanded > MAX_ALIAS_VALUES:
                return issue(msg.YAML_ALIAS_TOO_MANY, event.start_mark, alias=name, limit=MAX_ALIAS_VALUES)
            if len(stack) + below > MAX_DEPTH:
                return issue(msg.YAML_TOO_DEEP, event.start_mark, limit=MAX_DEPTH)
            add(values, below)
            continue
        if not key and len(stack) > MAX_DEPTH:
            return issue(msg.YAML_TOO_DEEP, event.start_mark, limit=MAX_DEPTH)
        anchor = None if event.anchor is None else str(event.anchor)
        if isinstance(event, yaml.ScalarEvent):
            if anchor is not None:
                sizes[anchor] = (1, 0)
            add(0 if key else 1, 0)
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append(_Open(anchor, isinstance(event, yaml.MappingStartEvent)))
    # Not found again (it should be): still refuse, at the value where the converter stopped.
    return YamlIssue("yaml-limit", (), doc.where(over.loc), msg.YAML_TOO_DEEP, {"limit": MAX_DEPTH})


def _document(root: yaml.Node | None, text: str, loader: Any) -> YamlDoc:
    if root is None:
        return YamlDoc(None, {}, {}, [])
    converter = _Converter(fast=loader is _FAST_LOADER)
    try:
        data = converter.convert(root, ())
    except _OverLimit as over:
        partial = YamlDoc(None, converter.values, converter.keys, [])
        return YamlDoc(None, {}, {}, [_limit_issue(text, loader, over, partial)])
    return YamlDoc(data, converter.values, converter.keys, converter.issues)


def _read_pure(text: str) -> YamlDoc:
    """PyYAML's pure-Python parser: the reference for what a problem says and where."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        return YamlDoc(None, {}, {}, [_syntax_issue(error, text)])
    except yaml.YAMLError as error:
        return YamlDoc(
            None, {}, {}, [YamlIssue("yaml-syntax", (), (1, 1), msg.YAML_OTHER, {"problem": str(error)})]
        )
    except RecursionError:
        # Nesting deep enough to exhaust the parser's recursion (libyaml stops at 1,000 levels).
        return YamlDoc(None, {}, {}, [_deepest(text)])
    return _document(root, text, yaml.SafeLoader)


def _deepest(text: str) -> YamlIssue:
    """Where nesting first goes past MAX_DEPTH, from the pure-Python parser's events (its parser,
    unlike its composer, needs no recursion; libyaml's stops reading at 1,000 levels)."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent | yaml.ScalarEvent) and depth > MAX_DEPTH:
                return YamlIssue(
                    "yaml-limit", (), _position(event.start_mark), msg.YAML_TOO_DEEP, {"limit": MAX_DEPTH}
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return YamlIssue("yaml-limit", (), (1, 1), msg.YAML_TOO_DEEP, {"limit": MAX_DEPTH})


def read_yaml(text: str) -> YamlDoc:
    """Never raises on bad YAML: a syntax error or a file over a cap becomes its only issue."""
    if _FAST_LOADER is None or _PURE_ONLY.search(text) or (text and not text.endswith(_LINE_ENDS)):
        return _read_pure(text)
    try:
        root = yaml.compose(text, Loader=_FAST_LOADER)
        return _document(root, text, _FAST_LOADER)
    except (yaml.YAMLError, _Fallback):
        return _read_pure(text)
