"""Messages about people, invites and permissions, in Vietnamese (the gettext msgid), with English
in `bot/locale/en/LC_MESSAGES/people.po`. Placeholders are `str.format` names.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "people"
render = renderer(DOMAIN)


HOW_TO_GET_INVITE = N_(
    "Để nhận mã mới, hãy nhờ quản trị viên của cơ quan chạy lệnh «nhacviec invite» rồi gửi mã cho bot."
)
CODE_UNKNOWN = N_("Mã mời «{code}» không đúng. Kiểm tra lại mã (8 ký tự, dạng ABCD-EFGH). {how}")
CODE_EXPIRED = N_("Mã mời này đã hết hạn hoặc không còn hiệu lực. {how}")
SOMEONE_ELSE = N_("một người khác")
CODE_USED = N_("Mã mời này đã được dùng rồi; mỗi mã chỉ dùng được một lần. {how}")
CHAT_BOUND = N_(
    "Cuộc trò chuyện này đã được đăng ký cho {name}. Nếu anh/chị là người khác, hãy nhắn bot từ tài "
    "khoản của mình. Nếu cần chuyển, hãy nhờ quản trị viên của cơ quan."
)
TOO_MANY_ATTEMPTS = N_(
    "Đã nhập sai mã mời {count} lần trong một giờ. Vì an toàn, hãy đợi {minutes} phút rồi thử lại. {how}"
)
WELCOME = N_("Chào {name} ({unit}). Đăng ký xong: từ nay bot sẽ nhắc việc của anh/chị tại đây.")

UNKNOWN_UNIT = N_(
    "Không có đơn vị «{ref}» trong cơ sở dữ liệu.{did_you_mean} Các đơn vị hiện có: {existing}."
)
UNKNOWN_PERSON = N_(
    "Không có người «{ref}» trong danh bạ.{did_you_mean} Người có trong danh bạ: {existing}. Bỏ --person "
    "để tạo người mới bằng --name."
)
ARCHIVED_PERSON = N_(
    "Người «{ref}» ({name}) đã bị xóa khỏi danh bạ (lưu trữ). Thêm lại vào plans/directory/ rồi chạy "
    "«nhacviec plans sync», hoặc mời người mới bằng --name."
)
ARCHIVED_UNIT = N_(
    "Đơn vị «{ref}» ({name}) đã bị xóa khỏi danh bạ (lưu trữ). Chọn đơn vị khác hoặc thêm lại vào "
    "plans/directory/."
)
DID_YOU_MEAN = N_(" Có phải ý bạn là «{id}» ({name})?")
UNKNOWN_ROLE = N_("Vai trò «{ref}» không hợp lệ.{did_you_mean} Chọn một trong: {existing}.")
DID_YOU_MEAN_ROLE = N_(" Có phải ý bạn là «{id}»?")
PERSON_MISMATCH = N_(
    "{name} thuộc {unit} với vai trò «{role}» theo danh bạ; mã mời dùng đơn vị và vai trò trong danh bạ. "
    "Bỏ --unit/--role, hoặc sửa danh bạ trong plans/directory/ rồi chạy «nhacviec plans sync»."
)
UNIT_OR_ROLE_MISSING = N_(
    "Cần --unit và --role để mời người mới (hoặc --person để mời người đã có trong danh bạ)."
)
EMPTY_DATABASE = N_(
    "Cơ sở dữ liệu chưa có đơn vị nào. Chạy «nhacviec plans sync» để nạp danh bạ và kế hoạch trước khi mời."
)
NAME_TOO_LONG = N_("Tên «{name}» quá dài ({length} ký tự); tối đa {limit} ký tự.")
UNNAMED = N_("(chưa có tên)")

NOT_ALLOWED_REPORT = N_(
    "Anh/chị không cập nhật được nhiệm vụ {task} «{title}»: đơn vị của anh/chị ({unit}) không chủ trì hay "
    "phối hợp nhiệm vụ này. Nếu đây là nhầm lẫn, hãy báo quản trị viên của cơ quan."
)
NOT_UNDERSTOOD = N_("Chưa ghi nhận gì cho nhiệm vụ {task}: {question}")
NO_STATUS = N_(
    "tin nhắn không nói tình trạng nhiệm vụ. Hãy trả lời «xong», «đang làm 60%», «chưa làm» hoặc "
    "«vướng mắc: …»."
)

INVITE_CREATED = N_("Mã mời cho {name} — {unit}, vai trò {role}:")
INVITE_EXPIRES = N_("Hết hạn lúc {expires} ({timezone}). Mã chỉ hiện lần này và chỉ dùng được một lần.")
INVITE_TELEGRAM = N_(
    "Telegram: gửi liên kết này cho người được mời, họ bấm vào rồi bấm Bắt đầu (Start): {link}"
)
INVITE_ZALO = N_(
    "Cách dùng: người được mời nhắn tin cho bot (Zalo hoặc Telegram) rồi gửi mã này cho bot: «{code}»."
)
TELEGRAM_UNKNOWN = N_("(Không hỏi được tên bot Telegram qua getMe: {detail}. Vẫn dùng được mã ở trên.)")
ROLE_NAMES = {
    "staff": N_("chuyên viên"),
    "head": N_("trưởng phòng"),
    "chief": N_("chánh văn phòng"),
    "admin": N_("quản trị"),
}

NOT_A_REPORTER = N_(
    "Đơn vị của anh/chị ({unit}) không phải nộp báo cáo định kỳ nào trong các kế hoạch đang theo dõi, "
    "nên chưa ghi nhận gì. Nếu đây là nhầm lẫn, hãy báo quản trị viên của cơ quan."
)
NO_REPORT_PERIOD = N_(
    "Không thấy kỳ báo cáo {period} nào mà đơn vị {unit} phải nộp, nên chưa ghi nhận gì. Hãy ghi rõ kỳ, "
    "ví dụ «đã nộp báo cáo tháng 11/2026» hoặc «đã nộp báo cáo quý III/2026»."
)
NO_OPEN_REPORT = N_(
    "Đơn vị {unit} không có kỳ báo cáo nào đang chờ nộp, nên chưa ghi nhận gì. Hãy ghi rõ kỳ, ví dụ "
    "«đã nộp báo cáo tháng 11/2026»."
)
WHICH_REPORT = N_("Đơn vị {unit} có nhiều báo cáo {period}; anh/chị đã nộp báo cáo nào? {choices}")
ANY_PERIOD = N_("đang chờ")
