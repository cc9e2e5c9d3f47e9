"""Cutting a long text (a task's or a plan's title) to fit a chat line, at a word."""

from __future__ import annotations


def cut_at_word(text: str, limit: int) -> str:
    """The text on one line, cut at the last word that fits (an ellipsis says it was cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space > limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:.-–—") + "…"
