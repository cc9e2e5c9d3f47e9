"""Who does a task: the unit named before `chủ trì`, after `Giao`, or as the subject of the sentence.

Works on folded text (OCR-tolerant patterns) and returns names as written in the original.
A unit name starts with an organisation noun (`Sở`, `Phòng`, `Ban`, `UBND`, …) and runs until the
verb that follows it; commas inside a name are kept (`Sở Văn hóa, Thể thao và Du lịch`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.folding import fold

_HEADS = (
    "so",
    "phong",
    "ban",
    "cuc",
    "chi cuc",
    "uy ban",
    "ubnd",
    "hdnd",
    "ubmttq",
    "van phong",
    "vp",
    "trung tam",
    "cong an",
    "bo chi huy",
    "bch",
    "dai",
    "bao",
    "hoi",
    "doan",
    "mat tran",
    "kho bac",
    "thanh tra",
    "toa an",
    "vien kiem sat",
    "vien",
    "bao hiem",
    "ngan hang",
    "lien doan",
    "dang uy",
    "thi uy",
    "tinh uy",
    "huyen uy",
    "thanh uy",
    "quan uy",
    "thuong truc",
    "truong",
    "benh vien",
    "thue",
    "thong ke",
    "chi nhanh",
    "cong ty",
    "hoi dong",
    "bo",
    "ty",
    "tong cong ty",
    "lien minh",
    "quy",
    "giam doc",
    "chu tich",
    "thu truong",
    "cac",
    "ubkt",
    "tt",
    "tt.",
    "ban quan ly",
    "bql",
    "hoi lien hiep",
    "doan thanh nien",
    "tinh doan",
    "thi doan",
    "huyen doan",
    "cap uy",
    "cac cap",
    "chinh quyen",
)
_VERBS = (
    "chu tri",
    "phoi hop",
    "tham muu",
    "theo doi",
    "trien khai",
    "xay dung",
    "to chuc",
    "thuc hien",
    "tiep tuc",
    "ra soat",
    "khan truong",
    "hoan thien",
    "hoan thanh",
    "tuyen truyen",
    "ap dung",
    "nghien cuu",
    "chi dao",
    "huong dan",
    "kiem tra",
    "giam sat",
    "de xuat",
    "ban hanh",
    "cu the hoa",
    "tang cuong",
    "day manh",
    "nang cao",
    "doi moi",
    "thuong xuyen",
    "chu dong",
    "giu vung",
    "phat huy",
    "quan ly",
    "bao cao",
    "co trach nhiem",
    "chiu trach nhiem",
    "dam bao",
    "bao dam",
    "thanh lap",
    "tap trung",
    "lien he",
    "huy dong",
    "phan cong",
    "giup",
    "don doc",
    "lam tot",
    "cap nhat",
    "tong hop",
    "phoi",
    "trinh",
    "tich cuc",
    "khuyen khich",
    "van dong",
    "danh gia",
    "thuc thi",
    "cung cap",
    "lap",
    "can cu",
    "quan triet",
    "sua doi",
    "bo sung",
    "phan dau",
    "nam bat",
    "xu ly",
    "tiep nhan",
    "duy tri",
    "mo rong",
    "phat trien",
    "dieu chinh",
    "soan thao",
    "hoan chinh",
    "uu tien",
    "rut kinh nghiem",
    "so ket",
    "tong ket",
    "theo chuc nang",
    "trong pham vi",
    "can cu chuc nang",
    "khac phuc",
    "nhan rong",
    "bo tri",
    "phan bo",
    "chuan bi",
    "thuc hanh",
    "ho tro",
    "ky ket",
    "de nghi",
    "dinh ky",
    "moi nam",
    "hang nam",
    "hang thang",
    "hang quy",
    "tien hanh",
    "xac dinh",
    "dau tu",
    "thu hut",
    "ket hop",
    "duoc giao",
    "phai",
    "deu",
    "thanh vien",
    "co trach nhiem",
    "kien toan",
    "nang cap",
    "cai thien",
    "thuc day",
    "phat dong",
    "ung dung",
    "van hanh",
    "bao ve",
    "rut ngan",
    "sap xep",
    "tinh gian",
    "tuyen dung",
    "dao tao",
    "boi duong",
    "khai thac",
    "kiem soat",
    "thanh tra",
    "dieu tra",
    "giai quyet",
    # not verbs, but a name never runs on past them: `gửi Sở Nội vụ trước ngày 05/12 để tổng hợp`
    "truoc",
    "cham nhat",
    "de",
)
_HEAD_RE = re.compile(
    r"(?:" + "|".join(sorted((re.escape(h) for h in _HEADS), key=len, reverse=True)) + r")\b"
)
_VERB_RE = re.compile(
    r"(?:ch\w{0,2}\s+tr[i1l]|ph\w{1,2}i\s+h\w{1,2}p|"
    + "|".join(sorted((re.escape(v) for v in _VERBS), key=len, reverse=True))
    + r")\b"
)
CHU_TRI = re.compile(r"\bch\w{0,2}\s+tr[i1l]\b")
PHOI_HOP = re.compile(
    r"\bph\w{1,2}i\s+h\w{1,2}p(?:\s+ch\w{1,2}t\s+ch\w{1,2})?(?:\s+(?:v\w{1,2}i|c\w{1,2}ng|v\w{1,2}i\s+c\w{1,2}ng)\b)?"
)
# `Giao X …` (and `Đề nghị X …` for bodies a plan can only ask): X leads. `giáo` folds to `giao`
# too, so the word must read `giao` in the original.
GIAO = re.compile(r"(?:^|[\s,;:.])(?:(?P<giao>gia[o0])|[dbp]e\s+ngh[i1])\s+(?:cho\s+)?")
_GENERIC = re.compile(r"^(?:cac|moi|tat ca|nhung|cap uy|chinh quyen)\b|\b(?:lien quan|co lien quan)\s*$")
_OFFICES = re.compile(
    r"\b(?:so|ban|nganh|co quan|don vi|phong|xa|phuong|thi tran|huyen|dia phuong|to chuc|doan the"
    r"|cap|hoi|truong|uy ban|ubnd|chinh quyen|cap uy)\b"
)
_MAX_WORDS = 60
_NOUN_NOT_VERB = re.compile(r"to chuc (?:chinh tri|xa hoi|doan the|dang|cong doan|tin dung|quoc te|hoi)")


@dataclass(frozen=True, slots=True)
class Mention:
    name: str
    """The unit's name as written in the document."""
    start: int
    end: int

    @property
    def generic(self) -> bool:
        """`Các sở, ban, ngành`, `các đơn vị liên quan`: a group, not one unit."""
        return _GENERIC.search(fold(self.name, keep_marks=True).strip()) is not None

    @property
    def collective(self) -> bool:
        """A group of offices (`Các sở, ban, ngành`, `các cơ quan liên quan`), which a plan may
        assign work to, as opposed to other people (`các nhà đầu tư`, `các doanh nghiệp`)."""
        return self.generic and _OFFICES.search(fold(self.name, keep_marks=True)) is not None


# Folded, these also spell common words (`Bảo vệ`, `Trương`, `Bộ phận`): they start a unit name
# only before a capitalised word (`Báo Thanh Hóa`, `Trường Đại học`) or `các`.
_AMBIGUOUS = {"bao", "dai", "ty", "bo", "quy", "truong", "hoi", "doan", "vien", "tt", "tt.", "vp"}


_NOT_SO = {"số", "sổ", "sô", "sớ", "sợ", "sỏ", "sọ", "só", "sò", "sõ"}
"""Words that fold to `so` like `Sở` but are not it (`Số hóa hồ sơ`, `sổ sách`)."""


def is_head(folded: str, pos: int, text: str | None = None) -> bool:
    match = _HEAD_RE.match(folded, pos)
    if match is None or (pos > 0 and folded[pos - 1].isalnum()):
        return False
    if text is not None and match.group() == "so" and text[pos : pos + 2].lower() in _NOT_SO:
        return False
    if text is not None and match.group() in _AMBIGUOUS:
        following = re.match(r"\s+(\S+)", text[match.end() :])
        if following is None:
            return False
        word = following.group(1)
        return word[:1].isupper() or fold(word, keep_marks=True) in ("cac", "chi")
    return True


def subject_at(text: str, start: int = 0, folded: str | None = None) -> Mention | None:
    """The unit name starting at `start` (after spaces), up to the verb that follows it."""
    folded = fold(text, keep_marks=True) if folded is None else folded
    pos = start
    while pos < len(text) and text[pos] in " \t,;:-–":
        pos += 1
    if pos >= len(text) or not is_head(folded, pos, text):
        return None
    words = list(re.finditer(r"\S+", text[pos:]))
    end = pos
    for index, word in enumerate(words[:_MAX_WORDS]):
        word_start = pos + word.start()
        # A capitalised word continues a proper name even when it reads as a verb (`Sở Xây dựng`).
        if (
            index > 0
            and _VERB_RE.match(folded, word_start)
            and not text[word_start].isupper()
            and not _NOUN_NOT_VERB.match(folded, word_start)
        ):
            break
        raw = word.group()
        stripped = raw.rstrip(",;:.)")
        end = word_start + len(stripped)
        if folded.startswith("quan", word_start) and re.search(r"\blien quan$", folded[pos:end]):
            break  # `các cơ quan có liên quan` ends there, whatever follows
        if raw.endswith((";", ":", ".")) and not re.fullmatch(r"[A-ZĐ]{1,4}\.", raw):
            after = words[index + 1].group() if index + 1 < len(words) else ""
            # `Sở Lao động. Thương binh và Xã hội`: OCR read a comma as a full stop mid-name.
            if not (raw.endswith(".") and index < 3 and after[:1].isupper()):
                break
        if raw.endswith(","):
            following = words[index + 1] if index + 1 < len(words) else None
            if following is None:
                break
            next_start = pos + following.start()
            if _VERB_RE.match(folded, next_start) and not _NOUN_NOT_VERB.match(folded, next_start):
                break
    else:
        if len(words) > _MAX_WORDS:
            return None
    name = text[pos:end].strip(" ,;:-–")
    if not name or (len(name.split()) < 2 and not name.isupper()):
        return None
    return Mention(name, pos, pos + len(name))


def unit_heading(text: str) -> Mention | None:
    """The unit a heading names and nothing else (`1. Sở Tài chính:`, `3. Các sở, ban, ngành:`):
    the unit that owns the points under it."""
    stripped = text.strip()
    if not stripped.endswith(":") or len(stripped) > 160:
        return None
    body = stripped.rstrip(" :")
    mention = subject_at(body)
    if mention is None or len(body) - mention.end > 2:
        return None
    return mention


def split_units(mention: Mention, text: str) -> list[Mention]:
    """`Sở Tư pháp và các ngành, đơn vị liên quan` → [`Sở Tư pháp`, `các ngành, đơn vị liên quan`]."""
    folded = fold(text, keep_marks=True)
    cuts = [mention.start]
    for match in re.finditer(r",\s+(?:v[aà]\s+)?|\s+v[aà]\s+", text[mention.start : mention.end]):
        after = mention.start + match.end()
        before = text[mention.start : mention.start + match.start()].split()
        abbreviation = bool(before) and before[-1].isupper() and len(before[-1]) <= 6
        if (
            is_head(folded, after, text)
            and not abbreviation
            and (text[after].isupper() or folded.startswith("cac", after))
        ):
            cuts.append(mention.start + match.start())
    cuts.append(mention.end)
    parts: list[Mention] = []
    for index in range(len(cuts) - 1):
        begin, finish = cuts[index], cuts[index + 1]
        chunk = text[begin:finish]
        lead_trim = len(chunk) - len(re.sub(r"^(?:,\s+(?:v[aà]\s+)?|\s+v[aà]\s+)", "", chunk))
        name = text[begin + lead_trim : finish].strip(" ,;:")
        if name:
            parts.append(Mention(name, begin + lead_trim, begin + lead_trim + len(name)))
    return parts


@dataclass(frozen=True, slots=True)
class Assignment:
    leads: list[Mention]
    support: list[Mention]
    how: str
    """chu-tri, giao, subject: which pattern found the lead (the review note says so)."""


def find_assignment(text: str) -> Assignment | None:
    """Lead and supporting units of one task text, or None when it names no unit.

    Each mention is the whole list as written (`Sở A, Sở B`); `split_units` separates it, after
    the caller has tried it as one name (directories name groups: `Các cấp, các ngành`)."""
    folded = fold(text, keep_marks=True)
    leads: list[Mention] = []
    how = ""
    for giao in GIAO.finditer(folded):
        if giao.group("giao") and text[giao.start("giao") : giao.end("giao")].lower() not in ("giao", "gia0"):
            continue
        mention = subject_at(text, giao.end(), folded)
        if mention:
            leads, how = [mention], "giao"
            break
    if not leads:
        for match in CHU_TRI.finditer(folded):
            mention = _subject_before(text, folded, match.start())
            if mention:
                leads, how = [mention], "chu-tri"
                break
    if not leads:
        for start in _clause_starts(text, folded):
            mention = subject_at(text, start, folded)
            if mention is None:
                continue
            after = _skip_spaces(folded, mention.end)
            if _VERB_RE.match(folded, after) or folded.startswith(":", after):
                leads, how = [mention], "subject"
                break
    support: list[Mention] = []
    for match in PHOI_HOP.finditer(folded):
        mention = subject_at(text, match.end(), folded)
        if mention:
            support.append(mention)
    if not leads and not support:
        return None
    return Assignment(leads, support, how)


_INTRO = re.compile(
    r"^(?:can cu|tren co so|theo|de|nham|ve|dinh ky|h\w?ng (?:nam|quy|thang)|moi (?:nam|quy))\b"
)


def _clause_starts(text: str, folded: str) -> list[int]:
    """Where the sentence's subject may start: the beginning, after a heading-like `Về …:`, or
    after an introductory `Căn cứ …,` phrase."""
    starts = [0]
    colon = folded.find(": ")
    if 0 < colon < 240:
        starts.append(colon + 1)
    if _INTRO.match(folded):
        starts += [match.end() for match in re.finditer(r",\s+|\bcua\s+", folded[:200])]
    return sorted(starts)


def _skip_spaces(folded: str, pos: int) -> int:
    while pos < len(folded) and folded[pos] in " ,":
        pos += 1
    return pos


def _subject_before(text: str, folded: str, verb_at: int) -> Mention | None:
    """The unit that ends right before `chủ trì` within the same clause."""
    clause_start = max(folded.rfind(sep, 0, verb_at) for sep in (";", ". ", ":", "(")) + 1
    for head in _HEAD_RE.finditer(folded, clause_start, verb_at):
        if not is_head(folded, head.start(), text):
            continue
        mention = subject_at(text, head.start(), folded)
        if mention and _skip_spaces(folded, mention.end) >= verb_at - 12:
            tail = folded[mention.end : verb_at]
            if re.fullmatch(r"[\s,]*(?:la\s+(?:co\s+quan|don\s+vi)\s+)?", tail) or not tail.strip(" ,"):
                return mention
    return None
