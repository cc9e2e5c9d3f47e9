"""From the cues found in a message to what it says: the rules, precision first.

The message is cut into sentences (a sentence that asks — `?` or an interrogative — says nothing
about progress) and clauses (commas and `nhưng`: what a word modifies stays inside its clause).
Each cue then becomes evidence, turned by the words around it:

- a negation turns the cue after it (`chưa xong`: not done; `chưa làm`: not started; `không
  vướng mắc`: nothing);
- a completion word is *done* only when nothing around it says otherwise: a part after it
  (`xong phần 1`), work still left (`còn phần tổng hợp`), a future or a wish before it (`sẽ`,
  `cần`, `khi nào xong`), a hedge (`chắc là`) or a typo (then the bot asks);
- `chưa … vì/do …` and `X nên chưa …` are obstacles with their reason; waiting on someone
  (`chờ phê duyệt`, `đã trình ký`, `tạm dừng`) is an obstacle too, never progress.

`decide` weighs the evidence in a fixed order: obstacle, percentage, progress, done, not started,
not done; with none, a snooze or "busy, later", a question, a hand-off or complaint, and last a
bare acknowledgement (asked back).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from bot.db.models import TaskStatus
from bot.understand.lexicon import Cue
from bot.understand.matching import Match
from bot.understand.model import Aside, ReportClaim, Snooze
from bot.understand.periods import find_periods
from bot.understand.snooze import find_time
from bot.understand.text import FoldedMessage

ALL_STATUSES = (TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED, TaskStatus.BLOCKED)
NOT_DONE = (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED, TaskStatus.BLOCKED)

NEGATION_REACH = 3
"""A negation turns the first cue within this many words after it (`chưa có gì vướng mắc`)."""
LOOKBACK = 6
"""How far back a future, wish or hedge reaches to a completion word (`dự kiến 30/11 hoàn thành`)."""

_NEGATABLE = frozenset(
    {
        Cue.DONE,
        Cue.DONE_WEAK,
        Cue.PARTIAL,
        Cue.PROGRESS,
        Cue.DOING,
        Cue.START,
        Cue.BLOCKED,
        Cue.BLOCKED_NOTE,
        Cue.WAITING,
        Cue.SUBMIT,
        Cue.ACK,
        Cue.APPROVED,
        Cue.LACK,
    }
)
_SENTENCE_ENDS = frozenset({"?", "!", ";", "…"})
_CLAUSE_ENDS = frozenset({",", ";", "(", ")", "?", "!", "…", "-", "–", "—", ".", "nhung", "but", "song"})
_PARTICLES = frozenset(
    {
        "a",
        "ah",
        "nhe",
        "nha",
        "nhi",
        "vay",
        "the",
        "oi",
        "anh",
        "chi",
        "em",
        "ha",
        "hen",
        "nhen",
        "?",
        "!",
        ".",
        "ne",
        "day",
    }
)
_NOT_A_VERB = frozenset({"o", "co", "la", "bi", "duoc", "nhu", "trong", "tai"})
"""Words after `đang` that are no work being done (`đang ở huyện`)."""
_TIME_WORDS = frozenset(
    {
        "chieu",
        "sang",
        "toi",
        "trua",
        "mai",
        "lat",
        "ti",
        "chut",
        "thu",
        "tuan",
        "t",
        "th",
        "sau",
        "h",
        "gio",
        "nay",
        "tomorrow",
        "later",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
    }
)
_NEARLY = frozenset({"almost", "nearly", "mostly", "partly", "partially", "gan", "sap", "hau"})
"""A word before a completion that makes it partial (`almost finished`, `gần hoàn thành`)."""
_SHARE_BEFORE = frozenset({"duoc", "xong", "dat", "thanh", "khoang", "lam", "chung", "done", "about"})
"""A fraction is the task's share done only after one of these (`được 2/3`, `xong 2/4 hạng mục`);
`khảo sát 5/7 xã` counts a sub-activity, not the task."""
_PERCENT_WORDS = (("%",), ("phan", "tram"), ("percent",), ("pct",))
_FRACTION = re.compile(r"^\d{1,2}$")
_OPENERS = frozenset({"da", "vang", "bao", "cao", "anh", "chi", "em", "xin", "kinh", "oi", ","})
_TRAILING_PARTICLES = (" ạ", " a", " nhé", " nhe", " nha", " à", " ah")


@dataclass
class Reading:
    status: TaskStatus | None = None
    percent: int | None = None
    bad_percent: str | None = None
    note: str | None = None
    report: ReportClaim | None = None
    snooze: Snooze | None = None
    choices: tuple[TaskStatus, ...] = ()
    confirm_done: bool = False
    aside: Aside | None = None


@dataclass
class _Evidence:
    blocked: bool = False
    waiting: bool = False
    progress: bool = False
    done: bool = False
    done_unsure: bool = False
    not_started: bool = False
    not_done: bool = False
    not_submitted: bool = False
    ack: bool = False
    remind: Match | None = None
    defer: bool = False
    defer_at: Match | None = None
    """The words that say when the person will tell (`thứ Hai em báo cáo`): their clause names the
    time, before any other time in the message (`đi học đến thứ Sáu`)."""
    question: bool = False
    handoff: bool = False
    complaint: bool = False
    note: str | None = None
    submits: list[Match] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Span:
    start: int
    end: int


class _Message:
    """The folded message with its cues, sentences and clauses."""

    def __init__(self, folded: FoldedMessage, matches: list[Match]) -> None:
        self.folded = folded
        self.words = folded.words()
        self.matches = matches
        self.sentences = self._spans(_SENTENCE_ENDS, sentences=True)
        self.clauses = self._spans(_CLAUSE_ENDS, sentences=False)
        self.at: dict[int, Match] = {match.start: match for match in matches}

    def _spans(self, ends: frozenset[str], *, sentences: bool) -> list[_Span]:
        """Sentences (or clauses) as token spans: cut after an end mark, before a line break."""
        spans: list[_Span] = []
        start = 0
        for index, word in enumerate(self.words):
            if index > start and "\n" in self.folded.gap_before(index):
                spans.append(_Span(start, index))
                start = index
            cut = word in ends or (word == "." and (not sentences or self._full_stop(index)))
            if cut:
                spans.append(_Span(start, index + 1))
                start = index + 1
        if start < len(self.words):
            spans.append(_Span(start, len(self.words)))
        return spans

    def _full_stop(self, index: int) -> bool:
        """A `.` that ends a sentence (not the dot of `III.1.b`)."""
        return index + 1 >= len(self.words) or self.folded.gap_before(index + 1) != ""

    def span_of(self, spans: list[_Span], index: int) -> _Span:
        for span in spans:
            if span.start <= index < span.end:
                return span
        return _Span(index, index + 1)

    def sentence(self, index: int) -> _Span:
        return self.span_of(self.sentences, index)

    def clause(self, index: int) -> _Span:
        return self.span_of(self.clauses, index)

    def before(self, match: Match, reach: int = LOOKBACK) -> list[Match]:
        """The cues in the same clause ending within `reach` words before `match`."""
        clause = self.clause(match.start)
        return [
            other
            for other in self.matches
            if clause.start <= other.start and other.end <= match.start and match.start - other.end < reach
        ]

    def after(self, match: Match, reach: int = 3) -> list[Match]:
        clause = self.clause(match.start)
        return [
            other for other in self.matches if match.end <= other.start < min(clause.end, match.end + reach)
        ]

    def text(self, start: int, end: int) -> str:
        return _tidy(self.folded.between(start, end))


def read(folded: FoldedMessage, matches: list[Match], today: dt.date, now_time: dt.time) -> Reading:
    message = _Message(folded, matches)
    questions = _question_sentences(message)
    negated, bare = _negations(message, questions)
    evidence = _Evidence()
    noted_until = -1
    for match in matches:
        sentence = message.sentence(match.start)
        if sentence.start in questions:
            evidence.question = True
            continue
        if match.start < noted_until:
            continue  # the words of a note are the person's, not a status
        noted_until = max(noted_until, _weigh(message, match, match.start in negated, evidence))
    for match in bare:
        if message.sentence(match.start).start not in questions:
            evidence.not_done = True
    # `việc này của phòng mình hả anh?`: a question even when none of its words is a cue.
    evidence.question = evidence.question or bool(questions)
    evidence.handoff = evidence.handoff or _handed_over(message.words)
    reading = Reading()
    reading.percent, reading.bad_percent = _percent(message, questions)
    reading.report = _report(message, evidence, today)
    reading.note = evidence.note
    _decide(message, evidence, reading, today, now_time, questions)
    return reading


# --- sentences, negations --------------------------------------------------------------------


def _question_sentences(message: _Message) -> set[int]:
    """The starts of the sentences that ask something."""
    asking: set[int] = set()
    for sentence in message.sentences:
        words = message.words[sentence.start : sentence.end]
        if "?" in words:
            asking.add(sentence.start)
            continue
        cues = [m for m in message.matches if sentence.start <= m.start < sentence.end]
        if any(
            Cue.QUESTION in m.cues and not _conditional(message, m) and not _emphatic(message, m, sentence)
            for m in cues
        ):
            asking.add(sentence.start)
            continue
        trimmed = [w for w in words if w not in _PARTICLES]
        if len(trimmed) >= 3 and trimmed[-1] in {"khong", "ko", "k", "chua"}:
            last = [m for m in cues if m.start < sentence.end and message.words[m.start] == trimmed[-1]]
            earlier = [m for m in cues if last and m.end <= last[-1].start]
            if trimmed[-1] != "chua" or any(m.cues & {Cue.DONE, Cue.SUBMIT, Cue.DONE_WEAK} for m in earlier):
                asking.add(sentence.start)
    return asking


def _emphatic(message: _Message, match: Match, sentence: _Span) -> bool:
    """`chưa xong đâu ạ`, `không kịp đâu`: after a negation, `đâu` stresses it, it asks nothing
    (`ở đâu ạ?` keeps its `?`, and `ở` is no negation)."""
    if message.words[match.start] != "dau":
        return False
    return any(
        Cue.NEGATION in m.cues or m.cues & {Cue.BLOCKED}
        for m in message.matches
        if sentence.start <= m.start < match.start
    )


def _conditional(message: _Message, match: Match) -> bool:
    """`khi nào xong em báo`: «when» opens a condition, not a question."""
    if Cue.CONDITION not in match.cues:
        return False
    later = [
        m
        for m in message.matches
        if m.start >= match.end and message.sentence(m.start) == message.sentence(match.start)
    ]
    return any(m.cues & {Cue.DONE, Cue.DEFER, Cue.PARTIAL} for m in later[:3])


def _negations(message: _Message, questions: set[int]) -> tuple[set[int], list[Match]]:
    """The starts of the cues a negation turns, and the negations that turn nothing (a bare
    `chưa` answering "done yet?")."""
    negated: set[int] = set()
    bare: list[Match] = []
    for match in message.matches:
        if Cue.NEGATION not in match.cues or match.start in negated:
            continue
        clause = message.clause(match.start)
        target = None
        for later in message.matches:
            if later.start < match.end:
                continue
            if later.start >= clause.end or later.start - match.end >= NEGATION_REACH:
                break
            if Cue.NEGATION in later.cues:
                break
            if later.cues & _NEGATABLE:
                target = later
                break
        if target is not None:
            negated.add(target.start)
        else:
            bare.append(match)
    return negated, bare


# --- evidence -------------------------------------------------------------------------------------


def _weigh(message: _Message, match: Match, negated: bool, evidence: _Evidence) -> int:
    """Add what one cue says to the evidence; returns where a note it opens ends (or -1)."""
    cues = match.cues
    if negated:
        return _weigh_negated(message, match, evidence)
    before = message.before(match)
    before_cues = frozenset().union(*(m.cues for m in before)) if before else frozenset()
    if cues & {Cue.BLOCKED, Cue.BLOCKED_NOTE, Cue.LACK, Cue.EXTENSION}:
        evidence.blocked = True
        return _obstacle_note(message, match, evidence)
    if Cue.WAITING in cues:
        evidence.blocked = evidence.waiting = True
        if evidence.note is None:
            sentence = message.sentence(match.start)
            evidence.note = message.text(match.start, sentence.end) or None
        return message.sentence(match.start).end
    if Cue.NOTE in cues:
        evidence.note = evidence.note or (message.text(match.end, message.sentence(match.start).end) or None)
        return message.sentence(match.start).end
    if Cue.REASON in cues and (
        evidence.not_done or evidence.not_started or evidence.not_submitted or evidence.blocked
    ):
        evidence.blocked = True
        evidence.note = evidence.note or (message.text(match.end, message.sentence(match.start).end) or None)
        return message.sentence(match.start).end
    if Cue.SO in cues:
        _reason_before(message, match, evidence)
    if Cue.SUBMIT in cues:
        evidence.submits.append(match)
    if cues & {Cue.START} and before_cues & {Cue.FUTURE} and not cues & {Cue.DONE}:
        evidence.not_started = True
    elif cues & {Cue.PARTIAL, Cue.PROGRESS}:
        if not _finished_doing(message, match):
            evidence.progress = True
    elif Cue.DOING in cues:
        _doing(message, match, evidence)
    elif cues & {Cue.DONE, Cue.APPROVED}:
        _completion(message, match, before_cues, evidence)
    elif Cue.DONE_WEAK in cues:
        if not before_cues & {Cue.FUTURE, Cue.MODAL, Cue.CONDITION}:
            evidence.done_unsure = True
    elif Cue.NOT_STARTED in cues:
        evidence.not_started = True
    if Cue.REMIND in cues and _someone_else(message, match):
        evidence.handoff = True  # `đề nghị nhắc phòng Nội vụ`: remind them, not me
    elif cues & {Cue.REMIND, Cue.LATER}:
        evidence.remind = evidence.remind or match
    if Cue.DEFER in cues or Cue.BUSY in cues:
        evidence.defer = True
        if Cue.DEFER in cues:
            evidence.defer_at = evidence.defer_at or match
    if cues & {Cue.REPORT, Cue.TELL} and not cues & {Cue.SUBMIT} and _future_report(message, match):
        evidence.defer = True
        evidence.defer_at = evidence.defer_at or match
    if Cue.HANDOFF in cues:
        evidence.handoff = True
    if Cue.COMPLAINT in cues:
        evidence.complaint = True
    if Cue.ACK in cues:
        evidence.ack = True
    return -1


def _weigh_negated(message: _Message, match: Match, evidence: _Evidence) -> int:
    cues = match.cues
    if cues & {Cue.DONE, Cue.DONE_WEAK, Cue.APPROVED}:
        evidence.not_done = True
    elif Cue.SUBMIT in cues:
        evidence.not_submitted = True
    elif cues & {Cue.START, Cue.PROGRESS, Cue.DOING}:
        evidence.not_started = True
    elif Cue.PARTIAL in cues:
        evidence.not_done = True
    return -1


def _obstacle_note(message: _Message, match: Match, evidence: _Evidence) -> int:
    """The obstacle's words: after `vướng mắc:` (or the reason after it), or the missing thing
    (up to a `nên`: `thiếu kinh phí nên chưa làm`)."""
    sentence = message.sentence(match.start)
    end = next(
        (m.start for m in message.matches if match.end <= m.start < sentence.end and Cue.SO in m.cues),
        sentence.end,
    )
    if match.cues & {Cue.BLOCKED_NOTE, Cue.LACK}:
        start = match.start if not match.cues & {Cue.BLOCKED_NOTE} else match.end
    elif message.words[match.end : match.end + 1] == [":"]:
        start = match.end  # `vướng: chưa có mặt bằng`
    else:
        start = -1
    reason = next((m for m in message.after(match, 12 if start < 0 else 2) if Cue.REASON in m.cues), None)
    if reason is not None:
        start = reason.end
    if start < 0:
        return -1  # `bị tắc ở khâu thẩm định`: the words go on to be read
    evidence.note = evidence.note or (message.text(start, end) or None)
    return sentence.end


def _reason_before(message: _Message, match: Match, evidence: _Evidence) -> None:
    """`chưa có kinh phí nên chưa làm được`: an obstacle when what follows `nên` is not done."""
    sentence = message.sentence(match.start)
    follows = [m for m in message.matches if match.end <= m.start < sentence.end]
    if not follows or (Cue.NEGATION not in follows[0].cues and not follows[0].cues & {Cue.BLOCKED}):
        return
    start = match.start
    while start > sentence.start and message.words[start - 1] not in {",", ";", ":"}:
        start -= 1
    while start < match.start and message.words[start] in _OPENERS:
        start += 1
    evidence.blocked = True
    evidence.note = evidence.note or (message.text(start, match.start) or None)


def _finished_doing(message: _Message, match: Match) -> bool:
    """`đã triển khai xong`: a verb of work and the completion right after it — done, not progress
    (`đang làm xong` and `gần xong` stay what they say)."""
    following = message.at.get(match.end)
    first = message.words[match.start]
    return (
        following is not None
        and Cue.DONE in following.cues
        and Cue.PARTIAL not in match.cues
        and first not in {"dang", "van", "tiep", "dg"}
    )


def _doing(message: _Message, match: Match, evidence: _Evidence) -> None:
    """`đang` + a verb: progress (`đang rà soát`); `đang` + `ở`, a number or nothing: not."""
    following = match.end
    if following >= len(message.words):
        return
    word = message.words[following]
    after = message.at.get(following)
    if after is not None and after.cues - {Cue.START, Cue.WORD, Cue.TELL, Cue.REPORT}:
        return  # `đang bận`, `đang chờ`: their own cue says what it is
    if (word.isalpha() and word not in _NOT_A_VERB) or word.isdigit():
        evidence.progress = True


def _completion(message: _Message, match: Match, before: frozenset[Cue], evidence: _Evidence) -> None:
    """A completion word: done, partly done, spoken of (future, wish, condition) or unsure."""
    if Cue.APPROVED in match.cues and Cue.DONE not in match.cues:
        earlier = message.words[max(0, match.start - 4) : match.start]
        if not {"da", "duoc", "roi"} & set(earlier) or before & {Cue.WAITING, Cue.MODAL, Cue.FUTURE}:
            return
    if (
        before & {Cue.FUTURE, Cue.MODAL}
        or _conditional_done(message, match, before)
        or _by_a_time(message, match)
    ):
        evidence.not_done = True
        return
    if _cannot_yet(message, match):
        evidence.not_done = True  # `hoàn thành chưa được`: not (yet) able to finish
        return
    following = message.after(match, 3)
    nearly = match.start > 0 and message.words[match.start - 1] in _NEARLY
    if nearly or any(m.cues & {Cue.PART, Cue.PARTIAL} for m in following[:2]) or _work_left(message, match):
        evidence.progress = True
        return
    if match.fuzzy or before & {Cue.HEDGE}:
        evidence.done_unsure = True
        return
    evidence.done = True


_NOT_YET = frozenset({"chua", "khong", "ko", "k", "kg", "khg", "hok"})
_THIRD_PARTIES = frozenset({"phong", "ben", "so", "don", "ubnd", "cac", "dong", "bo", "cuc", "huyen", "xa"})
"""Who a reminder is pointed at when it is not the person (`nhắc phòng Nội vụ`, `nhắc bên đó`)."""
_HANDED = frozenset({"chuyen", "giao"})
_THE_TASK = frozenset({"viec", "nhiem", "vu", "cong", "nv", "cv", "nay", "do", "ay", "tren"})
_TO = frozenset({"cho", "sang", "qua"})


def _cannot_yet(message: _Message, match: Match) -> bool:
    """A negation right after a completion word, then `được` (`hoàn thành chưa được`, `xong không
    được`): the completion is denied — unlike `xong chưa?`, which asks."""
    following = message.words[match.end : match.end + 2]
    return len(following) == 2 and following[0] in _NOT_YET and following[1] == "duoc"


def _someone_else(message: _Message, match: Match) -> bool:
    following = message.words[match.end : match.end + 1]
    return bool(following) and following[0] in _THIRD_PARTIES


def _handed_over(words: list[str]) -> bool:
    """`đã chuyển việc này cho anh Hùng`, `giao nhiệm vụ đó sang phòng Kinh tế`: the task handed to
    someone, with the task named between the verb and whom it went to."""
    for index, word in enumerate(words):
        if word not in _HANDED:
            continue
        for offset, later in enumerate(words[index + 1 : index + 6]):
            if later in _TO:
                if offset > 0:
                    return True
                break
            if later not in _THE_TASK:
                break
    return False


def _conditional_done(message: _Message, match: Match, before: frozenset[Cue]) -> bool:
    """`khi nào xong em báo`, `xong em sẽ báo lại`, `xong thì gửi`: a completion not claimed."""
    if Cue.CONDITION in before:
        return True
    following = message.words[match.end : match.end + 3]
    return bool(following) and (
        following[0] in {"thi", "se"} or following[:2] in (["em", "se"], ["toi", "se"])
    )


def _by_a_time(message: _Message, match: Match) -> bool:
    """`hoàn thành trước 30/11`, `xong trong tuần`: a completion set for a time, not claimed."""
    following = message.words[match.end : match.end + 3]
    if not following or following[0] not in {"truoc", "trong", "vao", "before", "by"}:
        return False
    return any(
        word.isdigit() or word in _TIME_WORDS | {"ngay", "thang", "tuan", "nam", "han"}
        for word in following[1:]
    )


def _work_left(message: _Message, match: Match) -> bool:
    """`gần xong, còn phần tổng hợp`, `xong rồi, còn phải xin ý kiến`, `xong nhưng phải sửa lại`:
    work still left."""
    sentence = message.sentence(match.start)
    for other in message.matches:
        must = Cue.MODAL in other.cues and message.words[other.start] in {"phai", "can"}
        if match.end <= other.start < sentence.end and must and other.start - match.end <= 5:
            return True
        if match.end <= other.start < sentence.end and Cue.REMAINING in other.cues:
            following = message.words[other.end : other.end + 2]
            if following and following[0] not in {"gi", "j", "khong", "ko", "nua", "?"}:
                return True
    return False


def _future_report(message: _Message, match: Match) -> bool:
    """`chiều em báo cáo`, `mai em báo cáo`: telling later, not a report submitted."""
    earlier = message.words[max(0, match.start - 3) : match.start]
    later = message.words[match.end : match.end + 1]
    if any(w in {"nop", "gui", "da", "cac", "ban", "mau", "theo"} for w in earlier[-1:]):
        return False
    return bool(set(earlier) & (_TIME_WORDS | {"em", "se", "toi"})) and not (
        later and later[0] in {"thang", "quy", "nam", "tuan", "q"}
    )


# --- percent --------------------------------------------------------------------------------------


def _percent(message: _Message, questions: set[int]) -> tuple[int | None, str | None]:
    """The last percentage written (`60%`, `60 phần trăm`, `một nửa`, `2/3`; `còn 20%` is 80),
    and an invalid one (`150%`)."""
    words = message.words
    found: int | None = None
    bad: str | None = None
    for index, word in enumerate(words):
        if message.sentence(index).start in questions:
            continue
        number = _number(word)
        if number is not None and any(
            tuple(words[index + 1 : index + 1 + len(unit)]) == unit for unit in _PERCENT_WORDS
        ):
            if 0 <= number <= 100:
                found = round(number)
                if (index > 0 and words[index - 1] == "con") or (index > 1 and words[index - 2] == "con"):
                    found = 100 - found
            else:
                bad = word
        elif (
            _FRACTION.match(word)
            and words[index + 1 : index + 2] == ["/"]
            and index + 2 < len(words)
            and _FRACTION.match(words[index + 2])
            and (index == 0 or words[index - 1] in _SHARE_BEFORE)
            and words[index + 3 : index + 4] != ["/"]
        ):
            numerator, denominator = int(word), int(words[index + 2])
            if 0 < denominator <= 10 and numerator <= denominator:
                found = round(100 * numerator / denominator)
        elif tuple(words[index : index + 2]) in {("mot", "nua"), ("phan", "nua"), ("1", "nua")} or (
            word == "half" and "year" not in words[index + 1 : index + 3]
        ):
            found = 50
    if found is None and bad is None:
        found = _bare_progress_number(message, questions)
    return found, bad


_AFTER_BARE_PERCENT = frozenset({"a", "roi", "nhe", "nha"})
"""What may follow `đang làm 50` and leave the number a percentage (`ạ`, `rồi`, `nhé`)."""


def _bare_progress_number(message: _Message, questions: set[int]) -> int | None:
    """`đang làm 50`: a whole number from 1 to 99 right after a progress phrase, ending its clause,
    is the percentage with the `%` left out; `đang làm 2 hạng mục` is not."""
    words = message.words
    for match in message.matches:
        index = match.end
        if Cue.PROGRESS not in match.cues or index >= len(words) or not words[index].isdigit():
            continue
        if message.sentence(index).start in questions:
            continue
        rest = words[index + 1 : message.clause(index).end]
        if 1 <= int(words[index]) <= 99 and all(not w.isalnum() or w in _AFTER_BARE_PERCENT for w in rest):
            return int(words[index])
    return None


def _number(word: str) -> float | None:
    if not word[:1].isdigit():
        return None
    try:
        return float(word.replace(",", "."))
    except ValueError:
        return None


# --- report, snooze, decision ---------------------------------------------------------------------


def _report(message: _Message, evidence: _Evidence, today: dt.date) -> ReportClaim | None:
    """`đã nộp báo cáo tháng 11` (and `tháng 10 và tháng 11`): a report said to be submitted."""
    for submit in evidence.submits:
        sentence = message.sentence(submit.start)
        reports = [
            m
            for m in message.matches
            if Cue.REPORT in m.cues
            and sentence.start <= m.start < sentence.end
            and (
                0 <= m.start - submit.end <= 3
                or 0 <= submit.start - m.end <= 2
                or m is submit
                or _report_named_before(message, m, submit, today)
            )
        ]
        periods = find_periods(_without_times_sent(message.words), today, sentence.start, sentence.end)
        said_report = reports or "bao cao" in " ".join(message.words[submit.start : submit.end])
        if not said_report and not (periods and _period_right_after(message, submit)):
            continue  # `đã gửi Sở Tài chính`: something sent, no report named
        return ReportClaim(periods[0] if periods else None, tuple(periods[1:]))
    return None


_SINCE = frozenset({"tu", "since", "hoi"})
"""`đã nộp báo cáo quý 3 từ tháng 10`: what follows says when it was sent, not which report."""


def _without_times_sent(words: list[str]) -> list[str]:
    """The words with the time a report was sent blanked out (`từ tháng 6`, `từ tuần trước`)."""
    kept = list(words)
    for index in range(1, len(words)):
        four = index >= 2 and words[index - 2] in {"quy", "thang", "thu"}  # `quý tư`: four, not since
        if words[index - 1] in _SINCE and not four:
            kept[index] = ""
    return kept


def _report_named_before(message: _Message, report: Match, submit: Match, today: dt.date) -> bool:
    """`báo cáo quý 3 phòng em đã gửi`: the report and its period named first, the submission a
    few words later in the same clause."""
    if not 0 <= submit.start - report.end <= 6 or message.clause(report.start) != message.clause(
        submit.start
    ):
        return False
    return bool(find_periods(message.words, today, report.end, min(report.end + 3, submit.start)))


def _period_right_after(message: _Message, submit: Match) -> bool:
    words = message.words[submit.end : submit.end + 2]
    return bool(words) and words[0] in {"thang", "quy", "q", "nam", "tuan", "6", "9"}


def _decide(
    message: _Message,
    evidence: _Evidence,
    reading: Reading,
    today: dt.date,
    now_time: dt.time,
    questions: set[int],
) -> None:
    snooze = _snooze(message, evidence, today, now_time, questions)
    if reading.bad_percent is not None:
        reading.percent = None
        reading.choices = ALL_STATUSES  # `150%` is a slip: ask rather than guess
        return
    if reading.report is not None:
        reading.snooze = snooze
        return
    status, choices, confirm = _status(evidence, reading.percent)
    if status is not TaskStatus.BLOCKED:
        reading.note = None if not evidence.note or evidence.waiting else evidence.note
        if not any(Cue.NOTE in m.cues for m in message.matches):
            reading.note = None
    if status is not None:
        reading.status = status
        if status is TaskStatus.BLOCKED and evidence.waiting:
            reading.aside = Aside.WAITING
        if status is not TaskStatus.IN_PROGRESS and not (
            status is TaskStatus.BLOCKED or reading.percent in (0, 100)
        ):
            reading.percent = None
        reading.snooze = snooze if evidence.remind is not None else None
        return
    reading.percent = None
    if choices == NOT_DONE and snooze is not None and (evidence.remind is not None or evidence.defer):
        reading.snooze = snooze  # `chưa xong, nhắc lại sau 3 ngày`: the snooze is the point
        if evidence.remind is None:
            reading.aside = Aside.DEFERRAL
        return
    if choices or confirm:
        reading.choices, reading.confirm_done = choices, confirm
        return
    if snooze is not None:
        reading.snooze = snooze
        if evidence.remind is None:
            reading.aside = Aside.DEFERRAL
        return
    if evidence.question:
        reading.aside = Aside.QUESTION
    elif evidence.handoff:
        reading.aside = Aside.HANDOFF
    elif evidence.complaint:
        reading.aside = Aside.COMPLAINT
    else:
        reading.choices = ALL_STATUSES


def _status(
    evidence: _Evidence, percent: int | None
) -> tuple[TaskStatus | None, tuple[TaskStatus, ...], bool]:
    """The status to record, else the choices to offer, or whether to confirm a completion."""
    if evidence.blocked:
        return TaskStatus.BLOCKED, (), False
    if percent is not None:
        if percent == 100:
            return TaskStatus.DONE, (), False
        return (TaskStatus.NOT_STARTED if percent == 0 else TaskStatus.IN_PROGRESS), (), False
    if evidence.progress and evidence.not_started:
        return None, (TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED), False
    if evidence.progress:
        return TaskStatus.IN_PROGRESS, (), False
    if evidence.done and evidence.not_done:
        return TaskStatus.IN_PROGRESS, (), False  # `xong phần 1, chưa xong phần 2`
    if evidence.done and not evidence.not_submitted:
        return TaskStatus.DONE, (), False
    if evidence.done or evidence.done_unsure:
        return None, (), True
    if evidence.not_started:
        return TaskStatus.NOT_STARTED, (), False
    if evidence.not_done or evidence.not_submitted:
        return None, NOT_DONE, False
    if evidence.ack and not (
        evidence.remind or evidence.defer or evidence.question or evidence.handoff or evidence.complaint
    ):
        return None, ALL_STATUSES, False
    return None, (), False


def _snooze(
    message: _Message, evidence: _Evidence, today: dt.date, now_time: dt.time, questions: set[int]
) -> Snooze | None:
    """When to ask again: asked for (`nhắc lại …`, `để mai`), or said (busy, "I'll report later")."""
    if evidence.remind is None and not evidence.defer:
        return None
    raw = [token.raw for token in message.folded.tokens]
    words = message.words
    if evidence.remind is not None:
        clause = message.clause(evidence.remind.start)
        found = find_time(words[clause.start : clause.end], raw[clause.start : clause.end], today, now_time)
        if found is not None:
            return found
    if evidence.defer_at is not None:
        clause = message.clause(evidence.defer_at.start)
        found = find_time(words[clause.start : clause.end], raw[clause.start : clause.end], today, now_time)
        if found is not None:
            return found
    kept = [i for i in range(len(words)) if message.sentence(i).start not in questions]
    found = find_time([words[i] for i in kept], [raw[i] for i in kept], today, now_time)
    return found if found is not None else Snooze(until=today + dt.timedelta(days=1))


def _tidy(text: str) -> str:
    """A note as the person wrote it, without the separators and the polite particles at the end."""
    text = text.strip().lstrip(":;,.-–—=> ").strip()
    previous = None
    while previous != text:
        previous = text
        text = text.rstrip(" .,;:!?…")
        for particle in _TRAILING_PARTICLES:
            if text.lower().endswith(particle) and len(text) > len(particle) + 2:
                text = text[: -len(particle)]
    return text
