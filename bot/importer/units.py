"""Unit names as written → units of the organisation directory (`plans/directory/*.yaml`).

Matching ignores diacritics, case, spacing and punctuation, tries the name as written and with
the issuer's place appended (`Công an thị xã` in a plan of thị xã Bỉm Sơn is `Công an thị xã Bỉm
Sơn`), then a similarity ratio for OCR damage. A name that matches nothing becomes a proposal for
a new unit, with an id the clerk can keep.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.folding import fold
from bot.plans.model import Directory
from bot.plans.names import slugify

FUZZY_CUTOFF = 0.86
_LEVELS = r"tinh|thanh pho|thi xa|huyen|quan|phuong|xa|thi tran"
_PLACE = re.compile(rf"\b({_LEVELS})\s+([^,;()]+?)\s*$")


@dataclass(frozen=True, slots=True)
class UnitRef:
    written: str
    """The name as the document writes it."""
    unit_id: str | None
    """The directory unit it matched, or None."""
    score: float
    """1.0 for an exact (folded) match, the similarity ratio for a fuzzy one, 0 when unmatched."""
    proposed_id: str
    """For an unmatched name: the id suggested for a new directory entry."""
    partial: bool = False
    """Matched only after dropping trailing words (`Báo Văn hóa đời sống và …`)."""

    @property
    def id(self) -> str:
        return self.unit_id or self.proposed_id

    @property
    def fuzzy(self) -> bool:
        return self.unit_id is not None and self.score < 1.0


def _key(text: str) -> str:
    """Folded, letters and digits only: compares names that OCR spaced or punctuated differently."""
    return "".join(char for char in fold(text.replace("&", " và ")) if char.isalnum())


_PARTY = re.compile(r"\b(tinh|thi|huyen|thanh|quan|dang)\s+uy\s+(?:phuong\s+|xa\s+)?([^,;()]+?)\s*$")
_PARTY_LEVEL = {"tinh": "tỉnh", "thi": "thị xã", "huyen": "huyện", "thanh": "thành phố", "quan": "quận"}


def issuer_place(issuer: str) -> tuple[str, str] | None:
    """`UBND thị xã Bỉm Sơn` → (`thị xã Bỉm Sơn`, `Bỉm Sơn`); `Thị ủy Đức Phổ` → (`thị xã Đức Phổ`, …)."""
    folded = fold(issuer, keep_marks=True)
    match = _PLACE.search(folded)
    if match:
        return issuer[match.start() :].strip(), issuer[match.start(2) :].strip()
    party = _PARTY.search(folded)
    if party and party.group(1) in _PARTY_LEVEL:
        name = issuer[party.start(2) :].strip()
        return f"{_PARTY_LEVEL[party.group(1)]} {name}", name
    return None


class UnitMatcher:
    def __init__(self, directory: Directory | None, issuer: str = "") -> None:
        self._by_key: dict[str, str] = {}
        for unit in directory.units if directory else []:
            for name in (unit.id, unit.name, *unit.short, *unit.aliases):
                self._by_key.setdefault(_key(name), unit.id)
        self._keys = list(self._by_key)
        place = issuer_place(issuer)
        self._suffixes = [f" {place[0]}", f" {place[1]}"] if place else []
        self._prefix = slugify(place[1]).replace("-", "") if place else ""
        place_key = _key(place[1]) if place else ""
        self._local_keys = [key for key in self._keys if place_key and place_key in key]
        self._local_ids = {self._by_key[key] for key in self._local_keys}
        self._cache: dict[str, UnitRef] = {}

    def match(self, written: str) -> UnitRef:
        written = " ".join(written.split()).strip(" ,;:.")
        if written not in self._cache:
            self._cache[written] = self._match(written)
        return self._cache[written]

    def _match(self, written: str) -> UnitRef:
        """Exact (place-qualified first), then close to a unit of the issuer's place, then a
        name the directory only extends, then the name without trailing words, then close to
        any unit."""
        qualified = [*(written + suffix for suffix in self._suffixes), written]
        for variant in qualified:
            unit_id = self._by_key.get(_key(variant))
            if unit_id and (self._is_local(unit_id) or not self._local_keys):
                return UnitRef(written, unit_id, 1.0, unit_id)
        found = self._fuzzy(qualified, self._local_keys)
        if found is not None:
            return found
        for variant in qualified:
            unit_id = self._by_key.get(_key(variant))
            if unit_id:
                return UnitRef(written, unit_id, 1.0, unit_id)
        # The document often leaves out the place the directory adds (`Các cấp ủy đảng trong tỉnh`
        # → `… tỉnh Bình Định`): a key that alone extends the name is that unit.
        written_key = _key(written)
        if len(written_key) >= 12:
            extended = {self._by_key[key] for key in self._keys if key.startswith(written_key)}
            if len(extended) == 1:
                return UnitRef(written, extended.pop(), 0.95, "")
        # A name followed by words the subject parser kept (`Báo Văn hóa đời sống và hệ thống …`).
        words = written.split()
        for cut in range(1, len(words) - 1):
            prefix = " ".join(words[:-cut])
            for variant in [*(prefix + suffix for suffix in self._suffixes), prefix]:
                unit_id = self._by_key.get(_key(variant))
                if unit_id:
                    return UnitRef(written, unit_id, 1.0, unit_id, partial=True)
        found = self._fuzzy(qualified, self._keys)
        if found is not None:
            return found
        return UnitRef(written, None, 0.0, self._proposal(written))

    def _is_local(self, unit_id: str) -> bool:
        return unit_id in self._local_ids

    def _fuzzy(self, variants: list[str], keys: list[str]) -> UnitRef | None:
        best_id, best_score = None, 0.0
        for variant in variants:
            key = _key(variant)
            for close in difflib.get_close_matches(key, keys, n=1, cutoff=FUZZY_CUTOFF):
                score = difflib.SequenceMatcher(None, key, close).ratio()
                if score > best_score:
                    best_id, best_score = self._by_key[close], score
        if best_id is None:
            return None
        written = variants[-1]
        return UnitRef(written, best_id, round(best_score, 2), best_id)

    def _proposal(self, written: str) -> str:
        slug = slugify(written)[:48].strip("-") or "don-vi"
        return f"{self._prefix}.{slug}" if self._prefix else slug
