"""A target's horizon as written: `Đến năm 2030`, `Hằng năm`, `giai đoạn 2021 - 2025`.

Horizons stay text (the plan format keeps them verbatim); OCR spellings (`Pén nim 2030`) count.
"""

from __future__ import annotations

import re

from bot.folding import fold

_YEAR = r"n\w{1,2}m"  # `năm`, and OCR's `nim`
_HORIZON = re.compile(
    rf"\b(?:(?:den|[pb]en|truoc|trong|vao)\s+(?:truoc\s+)?{_YEAR}\s+\d{{4}}|h\w{{1,2}}ng\s+{_YEAR}\b|"
    rf"moi\s+{_YEAR}\b|(?:giai\s+doan|thoi\s+ky|nhiem\s+ky)\s+\d{{4}}\s*-\s*\d{{4}}|{_YEAR}\s+\d{{4}})"
)


def find_horizon(text: str) -> str | None:
    match = _HORIZON.search(fold(text, keep_marks=True))
    return text[match.start() : match.end()] if match else None
