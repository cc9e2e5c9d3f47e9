"""Reading a YAML file into plain data while keeping where every key and value was written.

PyYAML's loaders forget positions and silently keep the last of two equal keys; clerks need both
the line of a mistake and to hear about a key written twice. So the file is composed into nodes
(which carry marks) and converted here. Scalars are kept as the text written (`1.10` stays
`1.10`, `no` stays `no`): the pydantic models convert them where a number, date or flag is due,
which avoids YAML 1.1 surprises such as `id: 1.10` becoming the number 1.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.plans import messages as msg

Loc = tuple[str | int, ...]
"""Path to a node: mapping keys and 0-based list indices."""
Position = tuple[int, int]
"""1-based line and column."""

_NULL_TAG = "tag:yaml.org,2002:null"
_FLOWS = {"while parsing a flow sequence": ("[", "]"), "while parsing a flow mapping": ("{", "}")}
_SPECIAL_START = re.compile(r"^(?:found character '(.)' that cannot start any token|found undefined alias)")


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


def _position(mark: yaml.Mark | None) -> Position:
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


class _Converter:
    def __init__(self) -> None:
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
        self.issues: list[YamlIssue] = []

    def convert(self, node: yaml.Node, loc: Loc) -> Any:
        self.values.setdefault(loc, _position(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*loc, index)) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag == _NULL_TAG and node.style is None:
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            key_loc = (*loc, key)
            key_position = _position(key_node.start_mark)
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


def read_yaml(text: str) -> YamlDoc:
    """Never raises on bad YAML: a syntax error becomes the document's only issue."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        return YamlDoc(None, {}, {}, [_syntax_issue(error, text)])
    except yaml.YAMLError as error:
        return YamlDoc(
            None, {}, {}, [YamlIssue("yaml-syntax", (), (1, 1), msg.YAML_OTHER, {"problem": str(error)})]
        )
    if root is None:
        return YamlDoc(None, {}, {}, [])
    converter = _Converter()
    data = converter.convert(root, ())
    return YamlDoc(data, converter.values, converter.keys, converter.issues)
