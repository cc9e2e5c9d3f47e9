"""The words people use in status replies, written as people write them with a Vietnamese keyboard.

Each entry is a phrase and what it signals. Matching works on the folded words (no case, no
diacritics: `bot.understand.text`), so `da xong` and `đã xong` read alike; but where the person did
type diacritics and a lexicon word carries them, they must agree (`matching.py`): folded, `đó`,
`độ` and `do` (because) are one word, `chờ` (wait) and `cho` (for) too, `tắc` (blocked) and `tác`
(công tác) too. Typed with diacritics, they are not confused.

The matcher prefers the longest phrase at a position, so `làm xong` wins over `làm`, `không thể`
(cannot: blocked) over the negation `không`, and `đơn vị` (a unit, a word of its own) over the
reason `vì`: phrases of `Cue.WORD` are there only to be consumed whole.
"""

from __future__ import annotations

from enum import Enum

from bot.folding import fold


class Cue(Enum):
    DONE = "done"
    """An explicit completion word (`xong`, `hoàn thành`, `đã ban hành`): done, unless a word
    around it says otherwise (partial, negated, future, hedged, in a question)."""
    DONE_WEAK = "done_weak"
    """A verb that often means done but does not say it (`đã gửi`, `đã xử lý`): asked back."""
    PARTIAL = "partial"
    """Part of the work done (`gần xong`, `xong phần`, `cơ bản hoàn thành`): in progress."""
    PART = "part"
    """A part of the work (`phần`, `bước`, `giai đoạn`): after a completion word, only that part is done."""
    PROGRESS = "progress"
    DOING = "doing"
    """`đang`: with the verb after it, progress (`đang tổng hợp`); `đang bận` is not."""
    START = "start"
    """Doing/starting (`làm`, `thực hiện`): not started when negated, otherwise no signal."""
    NOT_STARTED = "not_started"
    BLOCKED = "blocked"
    BLOCKED_NOTE = "blocked_note"
    """Introduces the obstacle (`vướng mắc:`, `khó khăn:`): blocked, and a note follows."""
    LACK = "lack"
    """Something needed is missing (`thiếu`, `chưa có kinh phí`): an obstacle, its words the note."""
    WAITING = "waiting"
    """Waiting on someone else (`chờ phê duyệt`, `đã trình ký`, `tạm dừng`): not progress."""
    NEGATION = "negation"
    NOTE = "note"
    """Introduces a note (`ghi chú:`, `lý do:`)."""
    REASON = "reason"
    """`do`, `vì`, `because`: what follows is the reason."""
    SO = "so"
    """`nên`: what came before is the reason (`chưa có kinh phí nên chưa làm được`)."""
    SUBMIT = "submit"
    REPORT = "report"
    """The noun `báo cáo` / `report`: with SUBMIT, a report submission."""
    REMIND = "remind"
    LATER = "later"
    """A snooze on its own (`để mai`, `later`)."""
    DEFER = "defer"
    """Telling later (`báo cáo sau`, `báo lại`): asks again later."""
    TELL = "tell"
    """`trả lời`, `cập nhật`, `phản hồi`: telling later when said of the future (`mai em cập nhật`),
    work being done otherwise (`đang cập nhật số liệu`)."""
    BUSY = "busy"
    """`đang bận`, `đang họp`: nothing to record now."""
    FUTURE = "future"
    """`sẽ`, `dự kiến`, `mai`: what follows is not done yet."""
    CONDITION = "condition"
    """`khi nào xong …`, `nếu`: a completion spoken of, not claimed."""
    MODAL = "modal"
    """`cần`, `phải`, `để`, `cố gắng`: a completion wanted, not claimed."""
    HEDGE = "hedge"
    """`chắc là`, `hình như`, `coi như`: a completion the person is not sure of."""
    EXTENSION = "extension"
    """`xin gia hạn`, `xin lùi hạn`: late, an obstacle."""
    ACK = "ack"
    """`ok`, `đã nhận`: the person read the reminder; says nothing sure about progress."""
    QUESTION = "question"
    """An interrogative (`khi nào`, `là gì`, `mẫu nào`)."""
    HANDOFF = "handoff"
    """The task is someone else's (`đã giao chị Lan`, `không phải của phòng em`)."""
    COMPLAINT = "complaint"
    """About the reminders themselves (`nhắc hoài`, `đừng nhắc nữa`)."""
    REMAINING = "remaining"
    """`còn`: work still left, after a completion word."""
    HALF = "half"
    APPROVED = "approved"
    """`phê duyệt`, `ban hành`: done when `đã`/`được` comes before, waiting after `chờ`/`trình`."""
    WORD = "word"
    """A word or compound with a meaning of its own (`đơn vị`, `tiến độ`, `công tác`)."""


_PHRASES: dict[Cue, tuple[str, ...]] = {
    Cue.DONE: (
        "xong",
        "đã xong",
        "làm xong",
        "thực hiện xong",
        "xong xuôi",
        "hoàn thành",
        "đã hoàn thành",
        "hoàn tất",
        "đã hoàn tất",
        "kết thúc",
        "đã kết thúc",
        "đã ban hành",
        "đã ký ban hành",
        "đã phê duyệt",
        "xong hết",
        "xong cả",
        "hoàn thành rồi",
        "done",
        "finished",
        "finish",
        "completed",
        "complete",
        "all done",
    ),
    Cue.DONE_WEAK: (
        "nộp rồi",
        "gửi rồi",
        "đã nộp rồi",
        "đã gửi rồi",
        "thôi xong",
        "đã gửi",
        "đã nộp",
        "đã xử lý",
        "đã thực hiện",
        "đã làm",
        "đã đạt",
        "đã có kết quả",
        "đã cập nhật",
        "đã đăng tải",
        "đã ký",
        "đã giải quyết",
        "sent",
        "submitted",
        "handled",
    ),
    Cue.PARTIAL: (
        "gần xong",
        "sắp xong",
        "gần hoàn thành",
        "sắp hoàn thành",
        "cơ bản hoàn thành",
        "cơ bản xong",
        "cơ bản đã hoàn thành",
        "cơ bản đã xong",
        "về cơ bản",
        "xong phần lớn",
        "xong một phần",
        "hoàn thành một phần",
        "làm được một phần",
        "được một phần",
        "dở dang",
        "còn dở",
        "xong 1 phần",
        "hoàn thành 1 phần",
        "làm được 1 phần",
        "được 1 phần",
        "chưa xong hẳn",
        "chưa hoàn thành hẳn",
        "chưa hẳn",
        "gần như xong",
        "gần như hoàn thành",
        "mostly done",
        "almost done",
        "nearly done",
        "partly done",
        "partially done",
        "one part left",
        "part done",
    ),
    Cue.PART: (
        "phần",
        "bước",
        "giai đoạn",
        "hạng mục",
        "khâu",
        "nội dung",
        "phần việc",
        "phần lớn",
        "đợt",
    ),
    Cue.PROGRESS: (
        "đang làm",
        "đang thực hiện",
        "đang triển khai",
        "đang xử lý",
        "đang tiến hành",
        "đang hoàn thiện",
        "đang soạn",
        "đang tổng hợp",
        "bắt đầu",
        "đã bắt đầu",
        "đã triển khai",
        "tiếp tục",
        "tiếp tục thực hiện",
        "vẫn đang",
        "vẫn làm",
        "vẫn đang làm",
        "đã có dự thảo",
        "đang cố",
        "đang cố gắng",
        "bắt đầu làm",
        "bắt đầu triển khai",
        "đã bắt đầu làm",
        "in progress",
        "progress",
        "working",
        "ongoing",
        "on going",
        "wip",
        "started",
        "underway",
        "⏳",
        "🔄",
        "🚧",
    ),
    Cue.DOING: ("đang", "dg", "đg"),
    Cue.START: (
        "làm",
        "thực hiện",
        "triển khai",
        "tiến hành",
        "start",
        "begun",
        "bắt tay",
        "bắt tay vào",
        "bắt đầu",
        "bắt đầu làm",
        "bắt đầu triển khai",
        "đã bắt đầu",
        "động đến",
        "động tới",
        "động vào",
        "đụng vào",
        "đụng đến",
        "đụng tới",
    ),
    Cue.NOT_STARTED: (
        "not started",
        "not yet started",
        "todo",
        "to do",
        "chưa làm gì",
        "chưa có gì",
        # Nothing done at all, not an obstacle (`ko làm được gì`), longer than `không làm được`.
        "không làm được gì",
        "chưa làm được gì",
        "không làm gì",
    ),
    Cue.BLOCKED: (
        "vướng",
        "bị vướng",
        "đang vướng",
        "còn vướng",
        "bị chặn",
        "bị tắc",
        "ách tắc",
        "tắc nghẽn",
        "tắc ở",
        "bị kẹt",
        "đang kẹt",
        "kẹt ở",
        "không thể",
        "chưa thể",
        "stuck",
        "blocker",
        "cần hỗ trợ",
        "cannot",
        "can t",
        "cant",
        "can not",
        "bị chậm",
        "chậm tiến độ",
        "tiến độ chậm",
        "chậm so với",
        "sẽ chậm",
        "đang chậm",
        "bị trễ",
        "trễ hạn",
        "không kịp",
        "khó hoàn thành",
        "không làm được",
        "không thực hiện được",
        "🚫",
        "⛔",
        "🆘",
    ),
    Cue.BLOCKED_NOTE: (
        "vướng mắc",
        "khó khăn",
        "bị vướng mắc",
        "gặp khó khăn",
        "gặp vướng mắc",
        "có vướng mắc",
        "có khó khăn",
        "blocked",
        "blocked by",
        "issue",
        "issues",
        "problem",
        "problems",
    ),
    Cue.LACK: (
        "thiếu",
        "còn thiếu",
        "đang thiếu",
        "no budget",
        "no data",
        "no staff",
        "no funding",
        "lack of",
        "lacking",
    ),
    Cue.WAITING: (
        "chờ",
        "đang chờ",
        "còn chờ",
        "vẫn chờ",
        "đợi",
        "đang đợi",
        "chờ ý kiến",
        "chờ phê duyệt",
        "chờ duyệt",
        "chờ ký",
        "trình ký",
        "đã trình",
        "đang trình",
        "đã trình ký",
        "chờ chỉ đạo",
        "xin ý kiến chỉ đạo",
        "tạm dừng",
        "tạm ngưng",
        "tạm hoãn",
        "đang tạm dừng",
        "waiting",
        "waiting for",
        "on hold",
        "pending approval",
        "awaiting",
    ),
    Cue.NEGATION: (
        "chưa",
        "không",
        "ko",
        "k",
        "kg",
        "khg",
        "hok",
        "chẳng",
        "chả",
        "not",
        "no",
        "havent",
        "hasnt",
        "isnt",
        "haven t",
        "hasn t",
        "isn t",
        "not yet",
        "never",
        "vẫn chưa",
        "còn chưa",
    ),
    Cue.NOTE: ("ghi chú", "note", "notes", "lý do", "kiến nghị", "đề xuất", "vấn đề", "nội dung :"),
    Cue.REASON: ("do", "vì", "bởi vì", "tại vì", "bởi", "vì lý do", "because", "due to", "since"),
    Cue.SO: ("nên", "cho nên", "vì vậy", "vì thế"),
    Cue.SUBMIT: ("nộp", "đã nộp", "gửi", "đã gửi", "submitted", "submit", "sent", "đã báo cáo"),
    Cue.REPORT: ("báo cáo", "bc", "bcao", "report", "the report"),
    Cue.REMIND: (
        "nhắc",
        "nhắc lại",
        "nhắc tôi",
        "nhắc em",
        "nhắc mình",
        "nhắc lại sau",
        "nhắc anh",
        "nhắc chị",
        "nhắc mai",
        "remind",
        "remind me",
        "snooze",
    ),
    Cue.LATER: (
        "để mai",
        "để sau",
        "later",
        "để tuần sau",
        "hoãn lại",
        "tomorrow please",
        "hẹn",
        "lát nữa",
        "lát",
        "tí nữa",
        "chút nữa",
        "một lát",
        "để thứ",
        "để sáng",
        "để chiều",
        "để ngày",
        "để đầu tuần",
        "để cuối tuần",
        "để tối",
        "để hôm khác",
        "để lúc",
    ),
    Cue.DEFER: (
        "báo cáo sau",
        "báo lại",
        "báo lại sau",
        "trả lời sau",
        "cập nhật sau",
        "báo cáo lại",
        "gửi sau",
        "báo anh",
        "báo chị",
        "rồi báo cáo",
        "báo cáo anh sau",
        "báo cáo chị sau",
    ),
    Cue.TELL: ("trả lời", "cập nhật", "phản hồi", "trả lời anh", "trả lời chị"),
    Cue.BUSY: (
        "bận",
        "đang bận",
        "bận họp",
        "đang họp",
        "đi công tác",
        "đang đi công tác",
        "nghỉ phép",
        "đang nghỉ phép",
        "đang nghỉ",
        "đang ở ngoài",
        "bận quá",
        "đi họp",
        "đang đi họp",
        "dự họp",
        "đang dự họp",
        "đi học",
        "đang đi học",
        "đang ốm",
        "nghỉ ốm",
        "đang nghỉ ốm",
        "đang trực",
        "đi tập huấn",
        "đang tập huấn",
        "đang dự hội nghị",
        "busy",
        "in a meeting",
    ),
    Cue.FUTURE: (
        "sẽ",
        "dự kiến",
        "mai",
        "ngày mai",
        "tuần sau",
        "tuần tới",
        "tháng sau",
        "will",
        "sắp",
        "định",
    ),
    Cue.CONDITION: ("khi nào", "khi", "sau khi", "nếu", "lúc nào", "bao giờ", "if", "when"),
    Cue.MODAL: (
        "cần",
        "phải",
        "để",
        "cố gắng",
        "phấn đấu",
        "đảm bảo",
        "yêu cầu",
        "đề nghị",
        "kịp",
        "muốn",
        "mong",
        "có thể",
    ),
    Cue.HEDGE: (
        "chắc",
        "chắc là",
        "hình như",
        "có lẽ",
        "nghĩ là",
        "em nghĩ",
        "coi như",
        "gần như",
        "tưởng",
        "maybe",
        "probably",
        "i think",
    ),
    Cue.EXTENSION: (
        "gia hạn",
        "xin gia hạn",
        "lùi hạn",
        "xin lùi hạn",
        "đề nghị gia hạn",
        "xin thêm thời gian",
        "extension",
    ),
    Cue.ACK: (
        "ok",
        "oke",
        "okay",
        "okie",
        "oki",
        "đã nhận",
        "nhận",
        "nhận được",
        "đã nhận được",
        "đã rõ",
        "rõ",
        "roger",
        "vâng",
        "dạ",
        "dạ vâng",
        "cảm ơn",
        "cám ơn",
        "thanks",
        "thank you",
        "noted",
        "biết rồi",
        "👌",
        "🆗",
        "👍",
        "✅",
        "✔",
        "☑",
        "💯",
        "🙏",
    ),
    Cue.QUESTION: (
        "khi nào",
        "bao giờ",
        "bao nhiêu",
        "thế nào",
        "ai làm",
        "ai thực hiện",
        "ai chủ trì",
        "như thế nào",
        "ntn",
        "ra sao",
        "là gì",
        "gì vậy",
        "ở đâu",
        "đâu ạ",
        "ai là",
        "ai phụ trách",
        "cho ai",
        "của ai",
        "phải không",
        "được không",
        "có cần",
        "có phải",
        "mẫu nào",
        "ngày nào",
        "phòng nào",
        "đơn vị nào",
        "nào ạ",
        "hay là",
        "sao lại",
        "tại sao",
        "vì sao",
        "cho em hỏi",
        "xin hỏi",
        "em hỏi chút",
        "em muốn hỏi",
        "what",
        "when",
        "why",
        "how",
        "where",
        "which",
    ),
    Cue.HANDOFF: (
        "đã giao",
        "giao cho",
        "phụ trách",
        "chuyển cho",
        "đã chuyển cho",
        "chuyển sang",
        "bàn giao",
        "đã bàn giao",
        "không phải của",
        "không phải việc",
        "không phải nhiệm vụ",
        "không phải sở",
        "không phải phòng",
        "không phải đơn vị",
        "không phải bên",
        "không thuộc",
        "không liên quan",
        "gửi nhầm",
        "nhầm đơn vị",
        "chuyển công tác",
        "chuyển nhiệm vụ",
        "đề nghị chuyển",
        "không còn phụ trách",
        "assigned to",
        "not mine",
        "not ours",
    ),
    Cue.COMPLAINT: (
        "nhắc hoài",
        "nhắc mãi",
        "nhắc nhiều",
        "nhắc liên tục",
        "đừng nhắc",
        "không cần nhắc",
        "thôi nhắc",
        "phiền",
        "spam",
        "nhắc sai",
        "stop reminding",
        "nhắc gì mà",
    ),
    Cue.REMAINING: ("còn", "còn lại", "left", "remaining"),
    # Not `nua` alone: folded, `nửa` (half) and `nữa` (more: `2 ngày nữa`) are the same word.
    Cue.HALF: ("một nửa", "half", "phân nửa", "1 nửa", "nửa chừng"),
    Cue.APPROVED: ("phê duyệt", "ban hành", "ký ban hành", "approved", "issued"),
    Cue.WORD: (
        "xong đời",
        "đã nhắc",
        "đã nhắc nhở",
        "nhắc nhở",
        "đơn vị",
        "tiến độ",
        "công tác",
        "kết quả",
        "kết luận",
        "quyết định",
        "nghị định",
        "độ",
        "đó",
        "đấy",
        "đây",
        "thời hạn",
        "hạn hoàn thành",
        "thời gian hoàn thành",
        "ngày hoàn thành",
        "tỷ lệ hoàn thành",
        "tỉ lệ hoàn thành",
        "mức độ hoàn thành",
        "đi công tác về",
        "báo cáo anh",
        "báo cáo chị",
        "dạ báo cáo",
        "xin báo cáo",
        "em xin báo cáo",
        "báo cáo đồng chí",
        "báo cáo lãnh đạo",
        "kính báo cáo",
        "báo cáo kết quả",
        "báo cáo tiến độ",
        "nhận xét",
        "dạ báo cáo anh",
        "dạ báo cáo chị",
        "dạ báo cáo đồng chí",
        "dạ báo cáo lãnh đạo",
        "dạ báo cáo thủ trưởng",
        "gửi kèm",
        "đã gửi kèm",
        "cho",
        "ban",
        "văn bản",
        "đi làm",
        "số liệu",
        "nhân lực",
        "nhân sự",
        "nhân viên",
        "tin nhắn",
        "nhắn tin",
        "quy định",
        "ổn định",
        "dự định",
        # Nothing left (`không còn gì nữa, xong hết rồi`): consumed whole, so neither the `không`
        # turns a later cue nor the `còn` reads as work still left.
        "không còn gì",
        "không còn việc gì",
        "hết việc",
        "nothing left",
    ),
}

_NEGATION_SPELLINGS = ("ko", "k", "kg", "khg", "hok", "hong", "khong")
"""How `không` is typed in chat. A phrase that starts with `không` (`không kịp`, `không phải của`)
is found under each spelling, so `ko kịp` is the obstacle `không kịp`, not a bare negation."""


def _with_spellings(phrases: tuple[str, ...]) -> tuple[str, ...]:
    spelled = list(phrases)
    for phrase in phrases:
        first, _, rest = phrase.partition(" ")
        if first == "không" and rest:
            spelled.extend(f"{spelling} {rest}" for spelling in _NEGATION_SPELLINGS)
    return tuple(dict.fromkeys(spelled))


_PHRASES = {
    cue: (phrases if cue is Cue.NEGATION else _with_spellings(phrases)) for cue, phrases in _PHRASES.items()
}


def _accented(word: str) -> str | None:
    """The word as written in the lexicon when it carries diacritics (then they must agree)."""
    return word if fold(word) != word.lower() else None


Entry = tuple[tuple[str | None, ...], frozenset[Cue]]
"""The accented form of each word of a phrase (None: no diacritics to check), and its cues."""

PHRASES: dict[tuple[str, ...], list[Entry]] = {}
for _cue, _phrases in _PHRASES.items():
    for _phrase in _phrases:
        _words = _phrase.split()
        _key = tuple(fold(word) for word in _words)
        _accents = tuple(_accented(word) for word in _words)
        _entries = PHRASES.setdefault(_key, [])
        for _index, (_known, _cues) in enumerate(_entries):
            if _known == _accents:
                _entries[_index] = (_known, _cues | {_cue})
                break
        else:
            _entries.append((_accents, frozenset({_cue})))

LONGEST = max(len(key) for key in PHRASES)

# Words that are never typos of another word, so `thang` (month) is not read as `thanh`.
OTHER_WORDS = (
    "thang quy nam ngay tuan gio tieng phut sau truoc nay toi mai roi moi duoc khoang dat tien do "
    "kinh phi so lieu cho hai ba bon bay tam chin muoi mot dau cuoi giua hang nam em anh chi "
    "first second half year quarter month week day days hours hour in next this last for of the "
    "yet already about around percent phan tram va nhung con da co gi dung han ke hoach du thao "
    "thanh lam lan don vi van ban huong dan nguoi nhan luc ho so thu sang chieu trua luc vao "
    "xa huyen tinh phong ban so ubnd lanh dao bo cuc chi cuc cong van mau giay email he thong "
    "i ii iii iv"
)
VOCABULARY = frozenset(word for key in PHRASES for word in key) | frozenset(OTHER_WORDS.split())
