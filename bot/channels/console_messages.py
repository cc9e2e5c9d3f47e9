"""What the console says to its operator, in Vietnamese (the gettext msgid), with English in
`bot/locale/en/LC_MESSAGES/console.po`. Placeholders are `str.format` names."""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "console"
render = renderer(DOMAIN)

WHO = N_(
    "Trò chuyện với bot ngay tại màn hình này, như trên Zalo. Anh/chị là ai trong danh bạ? "
    "Gõ số hoặc tên rồi Enter:"
)
PERSON_LINE = N_("{number}. {name} — {unit}")
MORE_PEOPLE = N_("… và {count} người khác: gõ tên để tìm.")
YOU_ARE = N_(
    "Anh/chị đang nói với bot với tư cách {name} ({unit}). Gõ như nhắn trên Zalo: «xong», «đang làm "
    "60%», số của lựa chọn, /baocao, /huongdan… Tin có dấu ★ là tin gửi anh/chị. Gõ /doinguoi để đổi "
    "người, Ctrl-C để dừng bot."
)
NOBODY = N_("Không có ai khớp «{text}» trong danh bạ. Gõ số hoặc tên khác.")
SEVERAL = N_("Có {count} người khớp «{text}». Gõ số:")
EMPTY_DIRECTORY = N_(
    "Danh bạ chưa có ai: khai báo người trong plans/directory/ rồi chạy «nhacviec plans sync». "
    "Tin nhắc vẫn được in ra đây."
)
REMINDED_HERE = N_("{count} người trong danh bạ nhận tin nhắc tại màn hình này.")
