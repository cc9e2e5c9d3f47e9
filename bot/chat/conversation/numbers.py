"""A typed choice number: «1», «1.», «số 1», «chọn 2», full-width «２», as people write it."""

from __future__ import annotations

import re
import unicodedata

# NFKC turns full-width digits into ASCII ones and composes Vietnamese diacritics, so the
# words below match whichever way the phone's keyboard encoded them.
_CHOICE = re.compile(
    r"^(?:(?:số|so|chọn|chon|ý|phương án|phuong an|option|number|no\.?)\s*)?(\d{1,3})\s*[.)]?$",
    re.IGNORECASE,
)


def choice_number(text: str) -> int | None:
    """The number picked, or None when the text is not just a choice number."""
    match = _CHOICE.match(unicodedata.normalize("NFKC", text).strip())
    return int(match.group(1)) if match is not None else None
