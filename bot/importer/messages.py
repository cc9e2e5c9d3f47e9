"""Every message `nhacviec plans import` prints, in Vietnamese (the gettext msgid, domain
`importer`); placeholders are `str.format` names, filled after translation."""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "importer"
render = renderer(DOMAIN)


UNKNOWN_TYPE = N_(
    "{path}: không đọc được tệp loại «{suffix}». Hãy dùng tệp .txt, .docx hoặc .pdf "
    "(tệp .doc cũ: mở bằng Word rồi lưu lại thành .docx)."
)
NOT_FOUND = N_("{path}: không tìm thấy tệp. Kiểm tra lại đường dẫn.")
UNREADABLE = N_("{path}: không đọc được tệp ({reason}). Kiểm tra quyền đọc tệp.")
NOT_UTF8 = N_(
    "{path}: tệp văn bản không phải UTF-8 (có thể là bảng mã TCVN3/VNI cũ). "
    "Hãy mở bằng trình soạn thảo và lưu lại với bảng mã UTF-8."
)
BAD_DOCX = N_(
    "{path}: tệp không phải DOCX hợp lệ (hỏng hoặc chỉ đổi đuôi). Hãy mở bằng Word rồi lưu lại thành .docx."
)
BAD_PDF = N_("{path}: tệp PDF bị hỏng, không đọc được ({reason}). Hãy xuất lại PDF từ văn bản gốc.")
ENCRYPTED_PDF = N_("{path}: tệp PDF được đặt mật khẩu. Hãy gỡ mật khẩu (in ra PDF mới) rồi chạy lại.")
NO_TEXT_LAYER = N_(
    "{path}: tệp PDF không có lớp chữ (bản quét ảnh). Cần nhận dạng chữ (OCR) trước, "
    "ví dụ: ocrmypdf -l vie {path} ban-ocr.pdf, rồi nhập tệp ban-ocr.pdf."
)
FILE_TOO_LARGE = N_(
    "{path}: tệp nặng {size}, quá giới hạn {limit} của một văn bản kế hoạch. Hãy bỏ bớt hình ảnh "
    "hoặc phụ lục không cần thiết, hoặc tách văn bản thành nhiều tệp rồi nhập từng tệp."
)
DOCX_PART_TOO_LARGE = N_(
    "{path}: phần «{part}» của tệp DOCX giải nén ra {size}, quá giới hạn {limit} (tệp hỏng hoặc "
    "tệp nén độc hại). Hãy mở bằng Word, bỏ bớt hình ảnh hoặc tách văn bản, lưu lại thành .docx "
    "rồi chạy lại."
)
DOCX_TOO_LARGE_UNPACKED = N_(
    "{path}: tệp DOCX giải nén ra tổng cộng {size}, quá giới hạn {limit}. Hãy mở bằng Word, bỏ bớt "
    "hình ảnh hoặc tách văn bản thành nhiều tệp, lưu lại thành .docx rồi chạy lại."
)
DOCX_TOO_MANY_PARTS = N_(
    "{path}: tệp DOCX có {count} thành phần, quá giới hạn {limit} (tệp hỏng hoặc không phải văn bản "
    "Word). Hãy mở bằng Word rồi lưu lại thành .docx."
)
PDF_TOO_MANY_PAGES = N_(
    "{path}: tệp PDF có {pages} trang, quá giới hạn {limit} trang. Hãy tách riêng các trang của kế "
    "hoạch (ví dụ: qpdf {path} --pages . 1-60 -- ke-hoach.pdf) rồi nhập tệp đó."
)
PDF_TOO_MUCH_TEXT = N_(
    "{path}: tệp PDF chứa hơn {limit} ký tự ({chars}), quá lớn cho một văn bản kế hoạch. Hãy tách "
    "riêng các trang của kế hoạch, hoặc nhập bản .docx của văn bản."
)
PDF_TOO_LARGE_INSIDE = N_(
    "{path}: một phần nội dung trong tệp PDF giải nén ra quá lớn ({reason}): tệp hỏng hoặc tệp nén "
    "độc hại. Hãy xuất lại PDF từ văn bản gốc, hoặc nhập bản .docx."
)
EMPTY_DOCUMENT = N_(
    "{path}: không tìm thấy nhiệm vụ, chỉ tiêu hay chế độ báo cáo nào trong văn bản. "
    "Kiểm tra đây có phải văn bản kế hoạch không, hoặc tệp có bị mất chữ khi chuyển đổi."
)
OUTPUT_EXISTS = N_("{path}: tệp đã có, không ghi đè. Thêm --force để ghi đè, hoặc chọn tên khác với -o.")
OUTPUT_NO_FOLDER = N_(
    "{path}: thư mục {folder} không tồn tại. Tạo thư mục trước, hoặc chọn đường dẫn khác với -o."
)
OUTPUT_FAILED = N_("{path}: không ghi được tệp ({reason}). Kiểm tra quyền ghi thư mục.")
DIRECTORY_PROBLEMS = N_(
    "Cảnh báo: danh bạ đơn vị {folder} có {count} lỗi, tên đơn vị có thể không khớp đủ. "
    "Chạy `nhacviec plans check` để xem."
)
SUMMARY = N_(
    "{tasks} nhiệm vụ, {lead} có đơn vị chủ trì, {timing} có thời hạn, {review} mục cần kiểm tra lại "
    "({targets} chỉ tiêu, {reporting} chế độ báo cáo, {units} đơn vị đề xuất thêm vào danh bạ)."
)
WROTE = N_("Đã ghi {path}.")
