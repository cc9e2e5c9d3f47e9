"""Messages of the database commands (`db upgrade`, `plans sync`), in Vietnamese (the gettext
msgid), with English in `bot/locale/en/LC_MESSAGES/db.po`. Placeholders are `str.format` names.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "db"
render = renderer(DOMAIN)


BAD_URL = N_(
    "DATABASE_URL «{url}» không hợp lệ ({detail}). Viết dạng sqlite:///nhacviec.db hoặc "
    "postgresql+psycopg://người-dùng:mật-khẩu@máy-chủ:5432/tên-csdl (trong tệp .env hoặc biến môi trường)."
)
UNKNOWN_DRIVER = N_(
    "DATABASE_URL «{url}»: không có trình điều khiển cho loại cơ sở dữ liệu «{scheme}». "
    "Dùng sqlite:///… hoặc postgresql+psycopg://…"
)
UNSUPPORTED_DATABASE = N_(
    "DATABASE_URL «{url}»: nhacviec chạy trên SQLite hoặc PostgreSQL, không hỗ trợ «{dialect}». "
    "Dùng sqlite:///… hoặc postgresql+psycopg://…"
)
DRIVER_MISSING = N_(
    "DATABASE_URL «{url}»: chưa cài trình điều khiển «{module}». Với PostgreSQL hãy viết "
    "postgresql+psycopg://… (psycopg đã được cài cùng nhacviec)."
)
CANNOT_CONNECT = N_(
    "Không kết nối được cơ sở dữ liệu {url}: {detail}. Kiểm tra máy chủ đang chạy, tên người dùng, "
    "mật khẩu và tên cơ sở dữ liệu trong DATABASE_URL; với SQLite, kiểm tra thư mục chứa tệp có tồn tại "
    "và ghi được."
)
NEWER_SCHEMA = N_(
    "Cơ sở dữ liệu {url} đang ở phiên bản lược đồ «{revision}», mới hơn phiên bản nhacviec này biết "
    "(mới nhất: «{head}»). Hãy cập nhật nhacviec lên bản mới hơn, hoặc dùng một cơ sở dữ liệu khác."
)
SCHEMA_UPGRADED = N_("Đã nâng cấp cơ sở dữ liệu {url}: phiên bản lược đồ {before} → {after}.")
SCHEMA_CURRENT = N_("Cơ sở dữ liệu {url} đã ở phiên bản lược đồ mới nhất ({revision}).")
SCHEMA_BEHIND = N_(
    "Cơ sở dữ liệu {url} đang ở phiên bản lược đồ {revision}; mới nhất là {head}. "
    "Chạy «nhacviec db upgrade» để nâng cấp."
)
EMPTY_SCHEMA = N_("(trống)")

PLAN_ERRORS = N_(
    "Không đồng bộ: có {count} lỗi trong kế hoạch hoặc danh bạ. Cơ sở dữ liệu giữ nguyên. "
    "Sửa các lỗi trên rồi chạy lại «nhacviec plans sync» (xem thêm «nhacviec plans check»)."
)
PLAN_WARNINGS = N_(
    "Có {count} cảnh báo (kế hoạch vẫn được đồng bộ); chạy «nhacviec plans check» để xem chi tiết."
)
NO_PLANS = N_(
    "Không tìm thấy kế hoạch nào trong {paths}. Mỗi kế hoạch là một tệp <mã-kế-hoạch>.yaml "
    "(xem plans/README.md); cơ sở dữ liệu giữ nguyên."
)
UNKNOWN_UNIT = N_(
    "{plan}: {field} chỉ đến đơn vị «{ref}» không có trong danh bạ. Thêm đơn vị vào plans/directory/ "
    "hoặc sửa lại tên."
)
UNKNOWN_PERSON = N_(
    "{plan}: {field} chỉ đến người «{ref}» không có trong danh bạ. Thêm người vào plans/directory/ "
    "hoặc sửa lại mã."
)
SYNC_SUMMARY = N_("Đã đồng bộ vào {url}.")
SUMMARY_LINE = N_(
    "{what}: {added} thêm mới, {updated} cập nhật, {archived} lưu trữ, {restored} khôi phục, "
    "{unchanged} không đổi."
)
WHAT_PLANS = N_("Kế hoạch")
WHAT_TASKS = N_("Nhiệm vụ")
WHAT_TARGETS = N_("Chỉ tiêu")
WHAT_REPORTING = N_("Chế độ báo cáo")
WHAT_UNITS = N_("Đơn vị")
WHAT_PEOPLE = N_("Cán bộ")
NOTHING_CHANGED = N_("Không có gì thay đổi.")
