"""Pydantic validation errors → clerk-readable issues at the key or value that caused them."""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.plans import messages as msg
from bot.plans.names import closest, name_key, slugify
from bot.plans.yamldoc import Loc, YamlDoc, YamlIssue

SYNONYMS: dict[str, tuple[str, ...]] = {
    "deadline": ("timing", "due"),
    "han": ("timing", "due"),
    "thoi han": ("timing", "due"),
    "thoi_han": ("timing", "due"),
    "date": ("due", "issued"),
    "ngay": ("due", "issued"),
    "chu tri": ("lead",),
    "chu_tri": ("lead",),
    "lead_unit": ("lead",),
    "phoi hop": ("support",),
    "phoi_hop": ("support",),
    "name": ("title", "text"),
    "ten": ("title", "name"),
    "noi dung": ("title", "text"),
    "noi_dung": ("title", "text"),
    "san pham": ("product",),
    "san_pham": ("product",),
    "so": ("number",),
    "co quan": ("issuer",),
    "ky bao cao": ("cycle",),
    "ky_bao_cao": ("cycle",),
}
"""Keys clerks are likely to write (English words, Vietnamese without diacritics) → ours."""

_DATE_ERRORS = {
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
    "date_type",
    "date_invalid",
}
_TIME_ERRORS = {"time_parsing", "time_type"}
_INT_ERRORS = {"int_parsing", "int_type", "int_from_float"}
_BOOL_ERRORS = {"bool_parsing", "bool_type"}
_CUSTOM = {
    "send_before_cutoff": msg.SEND_BEFORE_CUTOFF,
}
"""Error types our own validators raise (`PydanticCustomError`) → their messages."""
_BLOCK_ERRORS = {"model_type", "model_attributes_type", "dict_type"}


def format_loc(loc: Loc) -> str:
    """`("tasks", 2, "lead")` → `tasks[3].lead`: list positions counted from 1, as people count."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += f".{part}" if text else part
    return text


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The model inside `X`, `X | None`, `list[X]` or `Annotated[...]`, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for argument in typing.get_args(annotation):
        found = _model_of(argument)
        if found is not None:
            return found
    return None


def _model_at(root: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    model: type[BaseModel] | None = root
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        model = _model_of(info.annotation) if info is not None else None
    return model


def _choices(root: type[BaseModel], loc: Loc) -> str:
    """`staff, head, chief, admin`: the values of the enum field at `loc`, without pydantic's English."""
    model = _model_at(root, loc[:-1])
    info = model.model_fields.get(str(loc[-1])) if model is not None else None
    annotation = info.annotation if info is not None else None
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return ", ".join(str(member.value) for member in annotation)
    return ""


SHOWN_LIMIT = 80
"""Characters of a wrong value quoted back: enough to find it, never a whole pasted document."""


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= SHOWN_LIMIT else f"{text[:SHOWN_LIMIT]}…"


def _unknown_key(lang: str, key: str, allowed: list[str]) -> tuple[str, dict[str, object]]:
    suggestions = [name for name in SYNONYMS.get(name_key(key), ()) if name in allowed]
    if not suggestions and (near := closest(key, allowed)) is not None:
        suggestions = [near]
    if suggestions:
        joined = msg.render(lang, msg.OR).join(f"«{name}»" for name in suggestions)
        return msg.UNKNOWN_KEY_SUGGEST, {"key": key, "suggestions": joined}
    return msg.UNKNOWN_KEY, {"key": key, "allowed": ", ".join(allowed)}


def _issue(error: ErrorDetails, root: type[BaseModel], doc: YamlDoc, prefix: Loc, lang: str) -> YamlIssue:
    loc: Loc = (*prefix, *error["loc"])
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx", {})
    position = doc.where(loc)
    if kind == "extra_forbidden":
        model = _model_at(root, error["loc"][:-1])
        allowed = list(model.model_fields) if model is not None else []
        template, values = _unknown_key(lang, str(loc[-1]), allowed)
        return YamlIssue("unknown-key", loc, position, template, values)
    if kind == "missing":
        return YamlIssue("missing-key", loc, doc.where(loc[:-1]), msg.MISSING_KEY, {"key": loc[-1]})
    if value is None or kind in ("too_short", "string_too_short"):
        empty_list = isinstance(value, list)
        return YamlIssue("empty-value", loc, position, msg.EMPTY_LIST if empty_list else msg.EMPTY_VALUE)
    simple = {
        **dict.fromkeys(_DATE_ERRORS, msg.BAD_DATE),
        **dict.fromkeys(_TIME_ERRORS, msg.BAD_TIME),
        **dict.fromkeys(_INT_ERRORS, msg.BAD_INT),
        **dict.fromkeys(_BOOL_ERRORS, msg.BAD_BOOL),
    }
    if kind in _DATE_ERRORS and loc[-1] == "due":
        return YamlIssue("wrong-type", loc, position, msg.BAD_DUE, {"value": _shown(value)})
    if kind in simple:
        return YamlIssue("wrong-type", loc, position, simple[kind], {"value": _shown(value)})
    if kind in _CUSTOM:
        return YamlIssue("wrong-value", loc, position, _CUSTOM[kind], {**ctx, "value": _shown(value)})
    if kind == "greater_than_equal":
        return YamlIssue(
            "wrong-value", loc, position, msg.TOO_SMALL, {"value": _shown(value), "minimum": ctx.get("ge")}
        )
    if kind == "less_than_equal":
        return YamlIssue(
            "wrong-value", loc, position, msg.TOO_LARGE, {"value": _shown(value), "maximum": ctx.get("le")}
        )
    if kind == "string_too_long":  # never echo the value: it may be megabytes
        text = str(value)
        values = {"length": len(text), "limit": ctx.get("max_length"), "start": text[:40].rstrip()}
        return YamlIssue("wrong-value", loc, position, msg.TEXT_TOO_LONG, values)
    if kind == "too_long":
        count = ctx.get("actual_length") or (len(value) if isinstance(value, list) else "?")
        return YamlIssue(
            "wrong-value", loc, position, msg.LIST_TOO_LONG, {"count": count, "limit": ctx.get("max_length")}
        )
    if kind == "list_type":
        return YamlIssue("wrong-type", loc, position, msg.NOT_A_LIST)
    if kind == "string_type":
        return YamlIssue("wrong-type", loc, position, msg.NOT_TEXT)
    if kind in _BLOCK_ERRORS:
        return YamlIssue("wrong-type", loc, position, msg.NOT_A_BLOCK, {"value": _shown(value)})
    if kind == "string_pattern_mismatch":
        return YamlIssue(
            "bad-id",
            loc,
            position,
            msg.BAD_ID,
            {"value": _shown(value), "suggestion": slugify(_shown(value)) or "ma-don-vi"},
        )
    if kind == "enum":
        return YamlIssue(
            "wrong-value",
            loc,
            position,
            msg.BAD_CHOICE,
            {"value": _shown(value), "allowed": _choices(root, tuple(error["loc"]))},
        )
    return YamlIssue(
        "wrong-value", loc, position, msg.BAD_VALUE, {"value": _shown(value), "detail": error["msg"]}
    )


def validation_issues(
    error: ValidationError, root: type[BaseModel], doc: YamlDoc, prefix: Loc = (), lang: str = "vi"
) -> Iterator[YamlIssue]:
    for details in error.errors(include_url=False):
        yield _issue(details, root, doc, prefix, lang)
