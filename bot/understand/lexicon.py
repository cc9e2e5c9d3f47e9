"""The words people use for progress, in folded form (see `text.fold_message`).

Each entry is a phrase (space-separated folded words, or one emoji) and what it signals. The
matcher prefers the longest phrase at a position, so `lam xong` wins over `lam`, and `khong the`
(cannot: blocked) over the negation `khong`.
"""

from __future__ import annotations

from enum import Enum


class Cue(Enum):
    DONE = "done"
    PROGRESS = "progress"
    NOT_STARTED = "not_started"
    BLOCKED = "blocked"
    START = "start"
    """Doing/starting (`làm`, `thực hiện`): not started when negated, otherwise no signal."""
    ACK = "ack"
    """`ok`, `đã nhận`: the person read the reminder; says nothing sure about progress."""
    NEGATION = "negation"
    NOTE = "note"
    """Introduces a note (`ghi chú:`, `lý do:`)."""
    BLOCKED_NOTE = "blocked_note"
    """Introduces the obstacle (`vướng mắc:`, `khó khăn:`, `blocked:`): blocked, and a note."""
    REASON = "reason"
    """`do`, `vì`, `because`: what follows is the note."""
    SUBMIT = "submit"
    REPORT = "report"
    """The word `báo cáo` / `report`: with SUBMIT (or alone before a period) a report submission."""
    REMIND = "remind"
    LATER = "later"
    """A snooze on its own (`để mai`, `later`)."""
    HALF = "half"


_PHRASES: dict[Cue, tuple[str, ...]] = {
    Cue.DONE: (
        "xong", "lam xong", "thuc hien xong", "da xong", "hoan thanh", "hoan tat", "ket thuc",
        "da gui", "da nop", "da trinh", "da ban hanh", "da phe duyet",
        "done", "finished", "finish", "completed", "complete", "all done",
        "👍", "✅", "✔", "☑", "💯",
    ),
    Cue.PROGRESS: (
        "dang", "dang lam", "dang thuc hien", "dang trien khai", "dang xu ly", "dang tien hanh",
        "dang hoan thien", "dang soan", "gan xong", "sap xong", "bat dau", "da bat dau",
        "da trien khai", "in progress", "progress", "working", "ongoing", "on going", "wip",
        "started", "underway", "⏳", "🔄", "🚧",
    ),
    Cue.NOT_STARTED: ("not started", "not yet started", "todo", "to do"),
    Cue.BLOCKED: (
        "vuong", "bi vuong", "bi chan", "bi tac", "ach tac", "tac", "ket", "bi ket",
        "khong the", "chua the", "stuck", "blocker", "can ho tro", "cannot", "can t", "cant",
        "🚫", "⛔", "🆘",
    ),
    Cue.BLOCKED_NOTE: (
        "vuong mac", "kho khan", "blocked", "blocked by", "issue", "issues", "problem", "problems",
        "bi vuong mac", "gap kho khan", "gap vuong mac",
    ),
    Cue.START: ("lam", "thuc hien", "trien khai", "tien hanh", "bat dau", "start", "started", "begun"),
    Cue.ACK: ("ok", "oke", "okay", "okie", "da nhan", "nhan", "da ro", "ro", "roger", "👌", "🆗"),
    Cue.NEGATION: (
        "chua", "khong", "ko", "k", "kg", "khg", "hok", "hong", "chang", "cha", "not", "no",
        "havent", "hasnt", "isnt", "haven t", "hasn t", "isn t", "not yet", "never", "chua co",
        "khong co",
    ),
    Cue.NOTE: ("ghi chu", "note", "notes", "ly do", "kien nghi", "de xuat", "van de", "noi dung"),
    Cue.REASON: ("do", "vi", "boi vi", "tai vi", "because", "due to", "since"),
    Cue.SUBMIT: ("nop", "da nop", "gui", "da gui", "submitted", "submit", "sent", "da bao cao"),
    Cue.REPORT: ("bao cao", "bc", "report", "the report"),
    Cue.REMIND: (
        "nhac", "nhac lai", "nhac toi", "nhac em", "nhac minh", "nhac lai sau", "remind", "remind me",
        "snooze",
    ),
    Cue.LATER: ("de mai", "de sau", "later", "de tuan sau", "hoan lai", "tomorrow please"),
    # Not `nua` alone: folded, `nửa` (half) and `nữa` (more: `2 ngày nữa`) are the same word.
    Cue.HALF: ("mot nua", "half", "phan nua", "1 nua", "nua chung"),
}

# A phrase can signal several things (`vuong mac`: blocked and a note; `da nop`: done and
# submitted); the matcher returns every cue of the longest phrase.
PHRASES: dict[tuple[str, ...], frozenset[Cue]] = {}
for _cue, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        _key = tuple(_phrase.split())
        PHRASES[_key] = PHRASES.get(_key, frozenset()) | {_cue}

LONGEST = max(len(key) for key in PHRASES)

# Words that are never typos of another word, so `thang` (month) is not read as `thanh`.
OTHER_WORDS = (
    "thang quy nam ngay tuan gio tieng phut sau truoc nay toi mai roi moi duoc khoang dat tien do "
    "kinh phi thieu so lieu cho hai ba bon bay tam chin muoi mot dau cuoi giua hang hang nam "
    "first second half year quarter month week day days hours hour in next this last for of the "
    "yet already about around percent phan tram va nhung con da co gi dung han ke hoach du thao "
    "thanh lam lan"
)
VOCABULARY = frozenset(word for key in PHRASES for word in key) | frozenset(OTHER_WORDS.split())
