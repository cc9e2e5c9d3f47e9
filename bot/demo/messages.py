"""What `nhacviec demo` prints around the bot's own messages, in Vietnamese and English."""

from __future__ import annotations

_TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "intro": (
            "Chạy thử «{plan}» từ {start} trong {days} ngày (đồng hồ mô phỏng, kênh console). "
            "Cơ sở dữ liệu tạm: {db} — không đụng đến dữ liệu thật."
        ),
        "registered": "Đã đăng ký {name} ({unit}) bằng mã mời, kênh console «{chat}».",
        "day": "══ {weekday}, {date} ══",
        "reply": "← {name} trả lời: «{text}»",
        "bot_says": "→ bot trả lời {name}:",
        "ignored": "({name} không trả lời nhắc việc {task}: sẽ bị nhắc quá hạn và báo lãnh đạo.)",
        "digest": "Bản tổng hợp đến hết {date}:",
        "summary": (
            "Kết thúc chạy thử: {working} ngày làm việc, {reminders} tin nhắc, {escalations} tin báo "
            "lãnh đạo, {replies} trả lời được ghi nhận, {seconds:.1f} giây."
        ),
        "no_plan": (
            "Không tìm thấy kế hoạch «{plan}» trong {folder}. Các kế hoạch có: {known}. "
            "Bỏ --plan để chạy kế hoạch mẫu có sẵn."
        ),
        "plan_errors": "Kế hoạch «{plan}» có lỗi, chạy «nhacviec plans check» để xem:\n{problems}",
        "bad_days": "--days phải từ 1 đến 400 (đang là {days}).",
    },
    "en": {
        "intro": (
            "Trying out «{plan}» from {start} for {days} days (simulated clock, console channel). "
            "Temporary database: {db} — your real data is not touched."
        ),
        "registered": "Registered {name} ({unit}) with an invite code, console chat «{chat}».",
        "day": "══ {weekday}, {date} ══",
        "reply": "← {name} replies: «{text}»",
        "bot_says": "→ the bot answers {name}:",
        "ignored": (
            "({name} does not answer the reminder for {task}: overdue reminders and escalation follow.)"
        ),
        "digest": "Digest up to the end of {date}:",
        "summary": (
            "Demo finished: {working} working days, {reminders} reminders, {escalations} escalations, "
            "{replies} replies recorded, {seconds:.1f} seconds."
        ),
        "no_plan": (
            "No plan «{plan}» in {folder}. Plans there: {known}. Leave out --plan to run the built-in "
            "sample plan."
        ),
        "plan_errors": "Plan «{plan}» has errors, run «nhacviec plans check» to see them:\n{problems}",
        "bad_days": "--days must be between 1 and 400 (it is {days}).",
    },
}


def say(lang: str, key: str, **values: object) -> str:
    return _TEXTS.get(lang, _TEXTS["vi"])[key].format(**values)
