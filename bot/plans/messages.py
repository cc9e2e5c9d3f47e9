"""Every message the plan checker can print, in Vietnamese (the gettext msgid), with English in
`bot/locale/en/LC_MESSAGES/plans.po`. Placeholders are `str.format` names, filled after translation.
"""

from __future__ import annotations

from bot.i18n import N_, renderer

DOMAIN = "plans"
render = renderer(DOMAIN)


YAML_TAB = N_(
    "có ký tự Tab; YAML chỉ cho phép thụt lề bằng dấu cách. Thay Tab bằng dấu cách (mỗi cấp 2 dấu cách)."
)
YAML_QUOTE = N_("dấu ngoặc {quote} mở ở đây không được đóng. Thêm dấu {quote} ở cuối giá trị.")
YAML_COLON = N_(
    "có dấu «: » trong một giá trị không nằm trong ngoặc kép. Đặt cả giá trị trong dấu ngoặc kép, "
    'ví dụ: title: "Kế hoạch: …".'
)
YAML_INDENT = N_(
    "thụt lề không khớp với các dòng phía trên. Các khóa cùng cấp phải thẳng cột với nhau, "
    "mỗi mục của danh sách bắt đầu bằng «- » ở cùng một cột."
)
YAML_BRACKET = N_("dấu «{opening}» mở ở đây không được đóng. Thêm «{closing}» ở cuối.")
YAML_SPECIAL = N_(
    "giá trị bắt đầu bằng ký tự «{char}», là ký tự đặc biệt của YAML. Đặt cả giá trị trong dấu ngoặc "
    'kép, ví dụ: "{char}…".'
)
YAML_ESCAPE = N_(
    "dấu «\\» trong ngoặc kép mở đầu một ký tự đặc biệt. Dùng ngoặc đơn '…' cho giá trị này, "
    "hoặc viết «\\\\» thay cho «\\»."
)
YAML_OTHER = N_("lỗi cú pháp YAML ({problem}). Kiểm tra thụt lề, dấu «:» và dấu ngoặc ở dòng này.")
YAML_ALIAS_LOOP = N_(
    "bí danh «*{alias}» nằm ngay trong giá trị mà nó trỏ tới («&{alias}»), nên không bao giờ kết thúc. "
    "Bỏ bí danh này hoặc viết thẳng giá trị ra."
)
YAML_ALIAS_TOO_MANY = N_(
    "các bí danh (*…) trong tệp bung ra quá {limit} giá trị, vượt giới hạn ở «*{alias}» này. "
    "Viết thẳng các giá trị thay cho bí danh."
)
YAML_TOO_DEEP = N_(
    "các mục lồng nhau quá {limit} cấp. Kế hoạch chỉ cần vài cấp (tasks → mục → khóa → danh sách): "
    "kiểm tra dấu ngoặc, thụt lề và bí danh (*…) ở đây."
)
FILE_TOO_LARGE = N_(
    "tệp quá lớn ({size} MB); mỗi tệp tối đa {limit} MB. Kiểm tra xem đây có đúng là tệp kế hoạch "
    "hay danh bạ không, hoặc tách thành nhiều tệp."
)
UNREADABLE = N_("không đọc được tệp ({detail}). Lưu lại tệp dạng văn bản với bảng mã UTF-8.")
NOT_FOUND = N_("không tìm thấy tệp hay thư mục này. Kiểm tra lại đường dẫn.")
NO_DIRECTORY = N_(
    "không tìm thấy thư mục danh bạ đơn vị. Tạo thư mục này và khai báo các đơn vị "
    "(units:) như mẫu trong plans/README.md."
)
EMPTY_FILE = N_("tệp trống. Viết nội dung theo mẫu trong plans/README.md.")
NOT_A_MAPPING = N_("nội dung tệp phải là các dòng «khóa: giá trị» ({keys}). Xem mẫu trong plans/README.md.")
DUPLICATE_KEY = N_(
    "khóa «{key}» bị lặp (lần đầu ở dòng {first_line}). YAML chỉ giữ giá trị sau cùng: "
    "xóa hoặc gộp một trong hai."
)
UNKNOWN_KEY_SUGGEST = N_("khóa «{key}» không có trong mẫu. Có phải ý bạn là {suggestions}?")
UNKNOWN_KEY = N_("khóa «{key}» không có trong mẫu. Các khóa dùng được ở đây: {allowed}.")
OR = N_(" hoặc ")
MISSING_KEY = N_("thiếu khóa bắt buộc «{key}». Thêm dòng «{key}: …» (xem mẫu trong plans/README.md).")
EMPTY_VALUE = N_("không được để trống.")
EMPTY_LIST = N_("cần ít nhất một mục.")
BAD_DATE = N_("«{value}» không phải ngày hợp lệ. Viết ngày theo dạng 2017-01-10 hoặc 10/01/2017.")
BAD_DUE = N_(
    "«{value}» không phải ngày. «due» chỉ ghi ngày cụ thể (2017-06-30 hoặc 30/06/2017); cụm thời hạn "
    "như văn bản viết thì ghi vào «timing»."
)
BAD_TIME = N_("«{value}» không phải giờ hợp lệ. Viết giờ theo dạng 08:00.")
BAD_INT = N_("«{value}» không phải số nguyên. Viết một số, ví dụ 3.")
BAD_BOOL = N_("«{value}» không phải giá trị có/không. Viết true hoặc false.")
TOO_SMALL = N_("«{value}» quá nhỏ: giá trị phải từ {minimum} trở lên.")
TOO_LARGE = N_("«{value}» quá lớn: giá trị phải từ {maximum} trở xuống.")
NOT_A_LIST = N_("cần một danh sách, ví dụ [a, b], hoặc mỗi mục một dòng «- …».")
NOT_TEXT = N_("cần một giá trị dạng chữ, không phải danh sách hay nhóm khóa con.")
NOT_A_BLOCK = N_("cần một nhóm khóa con (ví dụ «id:», «title:»), không phải «{value}».")
BAD_ID = N_("mã «{value}» không hợp lệ: chỉ dùng chữ thường không dấu, số và - . _ (ví dụ «{suggestion}»).")
BAD_CHOICE = N_("«{value}» không phải giá trị cho phép. Chọn một trong: {allowed}.")
BAD_VALUE = N_("giá trị «{value}» không hợp lệ ({detail}).")
UNKNOWN_UNIT = N_(
    "không tìm thấy đơn vị «{ref}».{did_you_mean} Thêm đơn vị vào plans/directory/ nếu đây là đơn vị mới."
)
DID_YOU_MEAN_UNIT = N_(" Có phải ý bạn là «{id}» ({name})?")
WRITE_AS_LIST = N_(" Nếu đây là nhiều đơn vị, viết thành danh sách: [{parts}].")
UNKNOWN_PERSON = N_(
    "không tìm thấy người «{ref}» trong danh bạ.{did_you_mean} Thêm người vào danh sách people: "
    "trong plans/directory/."
)
DID_YOU_MEAN_PERSON = N_(" Có phải ý bạn là «{id}» ({name})?")
EMPTY_PLAN = N_(
    "kế hoạch không có nhiệm vụ, chỉ tiêu hay chế độ báo cáo nào. Thêm ít nhất một mục vào "
    "tasks:, targets: hoặc reporting:."
)
DUPLICATE_ITEM_ID = N_(
    "mã «{id}» trùng với {first} (dòng {first_line}). Mỗi mục cần một mã riêng: đánh lại theo số "
    "thứ tự trong văn bản."
)
DUPLICATE_DIRECTORY_ID = N_("mã «{id}» đã dùng ở {where}. Mỗi đơn vị, mỗi người cần một mã riêng.")
DUPLICATE_NAME = N_(
    "tên «{name}» trùng với tên của đơn vị «{other}» ({where}). Sửa hoặc bỏ một trong hai, "
    "nếu không sẽ không biết tên này chỉ đơn vị nào."
)
BAD_PLAN_ID = N_(
    "tên tệp «{name}» không dùng được làm mã kế hoạch: chỉ dùng chữ thường không dấu, số và - . _. "
    "Đổi tên tệp, ví dụ «{suggestion}.yaml»."
)
DUPLICATE_PLAN_ID = N_("mã kế hoạch «{id}» trùng với tệp {other}. Đổi tên một trong hai tệp.")
TIMING_NONE = N_(
    "không xác định được ngày hạn từ «{timing}»: sẽ không có nhắc hạn theo ngày. Nếu văn bản có "
    "ngày cụ thể, ghi thêm «due: YYYY-MM-DD»."
)
CYCLE_NONE = N_(
    "không xác định được kỳ báo cáo từ «{timing}»: sẽ không có nhắc nộp báo cáo. Nếu văn bản nêu kỳ, "
    "ghi rõ như «trước ngày 15 hằng tháng» hoặc «hằng quý»."
)
TIMING_AMBIGUOUS = N_(
    "cụm thời hạn «{timing}» có thể hiểu nhiều cách; bot hiểu là {meaning}. Nếu không đúng, "
    "ghi «due: YYYY-MM-DD»."
)
RECURRING = N_("định kỳ")
DUE_BEFORE_ISSUED = N_(
    "hạn {due} sớm hơn ngày ban hành {issued}. Kiểm tra lại hạn hoặc ngày ban hành (issued)."
)
TASK_UNASSIGNED = N_(
    "nhiệm vụ không có đơn vị chủ trì (lead) và không có thời hạn (timing, due): bot không biết "
    "nhắc ai, vào lúc nào. Thêm «lead:» và «timing:» nếu văn bản có ghi."
)
SEND_BEFORE_CUTOFF = N_(
    "hạn gửi báo cáo (ngày {value}) phải sau ngày chốt số liệu (ngày {cutoff_day}) ít nhất 1 ngày làm việc "
    "(Nghị định 09/2019/NĐ-CP, Điều 8 khoản 5)."
)

# --- commands ---------------------------------------------------------------------------------
CHECK_SUMMARY = N_("{plans} kế hoạch, {errors} lỗi, {warnings} cảnh báo.")
UNKNOWN_PLAN = N_("không có kế hoạch «{plan}» (thư mục {folder}). Các kế hoạch hiện có: {available}.")
NO_PLANS_AVAILABLE = N_("(chưa có kế hoạch nào)")
PLAN_HAS_ERRORS = N_(
    "kế hoạch «{plan}» có {count} lỗi nên chưa xem được. Sửa theo các dòng trên rồi chạy lại."
)
UNKNOWN_UNIT_OPTION = N_("--unit {unit}: không tìm thấy đơn vị này trong plans/directory/.{did_you_mean}")
NO_TASKS_FOR_UNIT = N_("Đơn vị {unit} không chủ trì hay phối hợp nhiệm vụ nào trong kế hoạch này.")
PLAN_HEADER = N_("{number} ngày {issued} của {issuer}")
NO_LEAD = N_("(chưa giao đơn vị chủ trì)")
COL_ID = N_("Mục")
COL_TASK = N_("Nhiệm vụ")
COL_SUPPORT = N_("Phối hợp")
COL_TIMING = N_("Thời hạn (văn bản)")
COL_DUE = N_("Hạn")
COL_EFFECTIVE = N_("Hạn thực tế")
KIND_CONTINUOUS = N_("thường xuyên")
KIND_RECURRING = N_("định kỳ ({freq})")
KIND_NONE = N_("không có hạn cố định")
FREQ_WEEKLY = N_("hằng tuần")
FREQ_MONTHLY = N_("hằng tháng")
FREQ_QUARTERLY = N_("hằng quý")
FREQ_SEMIANNUAL = N_("6 tháng")
FREQ_ANNUAL = N_("hằng năm")

# --- size caps (bot.plans.model) ----------------------------------------------------------------
TEXT_TOO_LONG = N_(
    "giá trị dài {length} ký tự, quá giới hạn {limit} ký tự («{start}…»). Rút gọn lại; phần chi tiết "
    "để trong văn bản gốc."
)
LIST_TOO_LONG = N_("có {count} mục, quá giới hạn {limit} mục. Bỏ bớt các mục thừa.")
