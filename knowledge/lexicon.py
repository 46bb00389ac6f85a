"""Word lists for Vietnamese administrative text: abbreviations, question words, provinces, document types."""
from __future__ import annotations

# Folded abbreviation -> folded expansion (added to the query and to the index, never replacing).
ABBREVIATIONS: dict[str, str] = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "cchc": "cai cach hanh chinh",
    "tthc": "thu tuc hanh chinh",
    "dvc": "dich vu cong",
    "dvctt": "dich vu cong truc tuyen",
    "cbccvc": "can bo cong chuc vien chuc",
    "cbcc": "can bo cong chuc",
    "ccvc": "cong chuc vien chuc",
    "nsnn": "ngan sach nha nuoc",
    "cntt": "cong nghe thong tin",
    "cds": "chuyen doi so",
    "bnv": "bo noi vu",
    "snv": "so noi vu",
    "vbqppl": "van ban quy pham phap luat",
    "qppl": "quy pham phap luat",
    "sipas": "chi so hai long",
    "par": "chi so cai cach hanh chinh",
    "papi": "chi so hieu qua quan tri va hanh chinh cong",
    "pci": "chi so nang luc canh tranh",
    "dti": "chi so chuyen doi so",
    "hcc": "hanh chinh cong",
    "tnmt": "tai nguyen va moi truong",
    "khdt": "ke hoach va dau tu",
    "tttt": "thong tin va truyen thong",
    "mttq": "mat tran to quoc",
    "ubmttq": "uy ban mat tran to quoc",
    "nq": "nghi quyet",
    "qd": "quyet dinh",
    "kh": "ke hoach",
    "cv": "cong van",
    "tb": "thong bao",
    "bc": "bao cao",
    "ttr": "to trinh",
    "ctr": "chuong trinh",
    "ttg": "thu tuong",
    "cp": "chinh phu",
    "tw": "trung uong",
    "xh": "xa hoi",
    "ktxh": "kinh te xa hoi",
    "tdkt": "thi dua khen thuong",
    "bpmc": "bo phan mot cua",
    "mc": "mot cua",
    "khdt": "ke hoach va dau tu",
    "stp": "so tu phap",
    "stttt": "so thong tin va truyen thong",
    "sttt": "so thong tin va truyen thong",
    "stc": "so tai chinh",
    "syt": "so y te",
    "sxd": "so xay dung",
    "sct": "so cong thuong",
    "skhdt": "so ke hoach va dau tu",
    "skhcn": "so khoa hoc va cong nghe",
    "stnmt": "so tai nguyen va moi truong",
    "sgtvt": "so giao thong van tai",
    "sgddt": "so giao duc va dao tao",
    "sldtbxh": "so lao dong thuong binh va xa hoi",
    "snnptnt": "so nong nghiep va phat trien nong thon",
    "svhttdl": "so van hoa the thao va du lich",
    "brvt": "ba ria vung tau",
    "tphcm": "thanh pho ho chi minh",
    "pccc": "phong chay chua chay",
    "sxkd": "san xuat kinh doanh",
    "ttdt": "thong tin dien tu",
    "ttdvhcc": "trung tam dich vu hanh chinh cong",
    "csdl": "co so du lieu",
    "vpub": "van phong uy ban",
    "vpubnd": "van phong uy ban nhan dan",
    "ktxh": "kinh te xa hoi",
    "nd": "nghi dinh",
}
# An abbreviation read two ways ("kh": kế hoạch or Khánh Hòa): in a question the reading that forms a phrase of the
# documents with its neighbours wins, the first one otherwise. Not expanded in the index.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "kh": ("ke hoach", "khanh hoa"),
    "nd": ("noi dung", "nghi dinh"),
    "dt": ("dau tu", "dong thap", "dien tu", "dao tao"),
    "ct": ("chi thi", "chu tich", "chuong trinh"),
    "tt": ("thong tu", "thi tran", "thong tin"),
    "hd": ("huong dan", "hoat dong", "hop dong"),
    "qh": ("quy hoach", "quoc hoi"),
}

# Chat spellings (folded) -> what they stand for; applied to questions only.
CHAT_SPELLINGS: dict[str, str] = {
    "bn": "bao nhieu", "bnh": "bao nhieu", "bnhieu": "bao nhieu", "bao nhiu": "bao nhieu", "nhiu": "nhieu",
    "j": "gi", "gj": "gi", "ji": "gi", "dc": "duoc", "dk": "duoc", "ko": "khong", "k": "khong", "kg": "khong",
    "khg": "khong", "hok": "khong", "trc": "truoc", "ntn": "nhu the nao", "sao v": "sao vay", "ki": "ky",
    "vs": "voi", "r": "roi", "ng": "nguoi", "vb": "van ban", "vban": "van ban", "dn": "doanh nghiep",
    "tp": "thanh pho", "bv": "benh vien", "cq": "co quan", "dv": "don vi", "hs": "ho so", "tg": "thoi gian",
    "sl": "so luong", "cb": "can bo", "nv": "nhiem vu", "ptrien": "phat trien", "qdinh": "quy dinh",
    "bcao": "bao cao", "khoach": "ke hoach", "thtuc": "thu tuc", "tthuc": "thu tuc", "mn": "moi nguoi",
    "ak": "a", "ah": "a", "z": "vay", "v": "vay", "nha": "nhe", "nhen": "nhe",
}

# Chat openings and closings (folded) around a question, dropped before it is read: "cho mình hỏi …", "ad ơi …",
# "… vậy ạ", "… giúp em với". A closing word that ends a phrase of its own ("như vậy", "như thế") stays.
CHATTER_OPENINGS: tuple[str, ...] = tuple(sorted({
    f"{lead}{who} {verb}{tail}"
    for lead in ("cho ", "xin cho ", "")
    for who in ("minh", "em", "toi", "to", "tui", "chau", "mik", "mk", "anh", "chi")
    for verb in ("hoi", "muon hoi", "xin hoi", "can hoi", "duoc hoi")
    for tail in ("", " chut", " xiu", " ti", " nhe", " voi", " la")
} | {"cho hoi", "xin hoi", "hoi chut", "hoi xiu", "cho hoi chut", "cho hoi la", "xin hoi la"} | {
    f"{who} oi" for who in ("ad", "admin", "bot", "ban", "anh", "chi", "em", "mn", "moi nguoi", "a")
} | {"ad", "admin", "chao ban", "chao bot", "chao ad", "xin chao", "oi", "alo", "hi", "hello"},
    key=lambda p: -len(p.split())))
CHATTER_CLOSINGS: tuple[str, ...] = tuple(sorted({
    "a", "ak", "ah", "nhe", "nha", "nhen", "nhi", "ha", "z", "v", "vay", "the", "ad", "admin", "bot", "oi",
    "ad oi", "ban oi", "bot oi", "a oi", "giup minh voi", "giup em voi", "giup toi voi", "giup minh", "giup em",
    "giup toi", "voi a", "nhe ad", "vay ad", "cam on", "cam on ban", "cam on ad", "thanks", "thank you", "tks",
}, key=lambda p: -len(p.split())))
CHATTER_KEPT_AFTER = frozenset({"nhu", "the", "vi", "bang", "la"})  # "như vậy", "như thế": not chatter

# Fields of law and public life next to administrative reform (folded phrase -> as shown). A question naming one is
# declined saying so when no passage of the store holds the phrase: it is about a field the store does not cover.
# Only phrases that mean nothing else in a question ("khai tử" alone is also "triển khai từ", "sổ đỏ" "sơ đồ").
OTHER_FIELDS: dict[str, str] = {
    "thue thu nhap": "thuế thu nhập", "thu nhap ca nhan": "thuế thu nhập cá nhân", "tncn": "thuế thu nhập cá nhân",
    "thue gia tri gia tang": "thuế giá trị gia tăng", "nop thue": "nộp thuế", "thue su dung dat": "thuế sử dụng đất",
    "ma so thue": "mã số thuế", "quyet toan thue": "quyết toán thuế", "hoan thue": "hoàn thuế",
    "le phi truoc ba": "lệ phí trước bạ", "ket hon": "kết hôn", "ly hon": "ly hôn", "khai sinh": "khai sinh",
    "giay khai tu": "khai tử", "dang ky khai tu": "khai tử", "thuong tru": "thường trú", "tam tru": "tạm trú", "ho chieu": "hộ chiếu",
    "can cuoc": "căn cước", "giay phep lai xe": "giấy phép lái xe", "bang lai": "bằng lái",
    "nong do con": "nồng độ cồn", "vuot den do": "vượt đèn đỏ", "mu bao hiem": "mũ bảo hiểm",
    "cap so do": "sổ đỏ", "lam so do": "sổ đỏ",
    "chuyen nhuong quyen su dung dat": "chuyển nhượng quyền sử dụng đất",
    "giay chung nhan quyen su dung dat": "giấy chứng nhận quyền sử dụng đất", "giai phong mat bang": "giải phóng mặt bằng",
    "giay phep xay dung": "giấy phép xây dựng", "bao hiem xa hoi": "bảo hiểm xã hội", "bao hiem y te": "bảo hiểm y tế",
    "that nghiep": "trợ cấp thất nghiệp", "luong huu": "lương hưu", "nghi huu": "nghỉ hưu", "thai san": "thai sản",
    "luong co so": "lương cơ sở", "luong toi thieu": "lương tối thiểu", "tham nien": "phụ cấp thâm niên",
    "phu cap cong vu": "phụ cấp công vụ", "nang ngach": "nâng ngạch", "nang bac luong": "nâng lương", "nang luong truoc": "nâng lương",
    "nghi phep": "nghỉ phép", "hoc phi": "học phí", "gia dien": "giá điện", "gia xang": "giá xăng",
    "lai suat": "lãi suất", "ty gia": "tỷ giá", "thua ke": "thừa kế", "di chuc": "di chúc", "hinh su": "hình sự",
    "phi cong chung": "công chứng", "van phong cong chung": "công chứng", "cong chung hop dong": "công chứng", "dang ky kinh doanh": "đăng ký kinh doanh", "thanh lap doanh nghiep": "thành lập doanh nghiệp",
    "doanh nghiep tu nhan": "doanh nghiệp tư nhân", "trang phuc": "trang phục", "xe o to cong": "xe ô tô công",
    "dinh muc xe": "định mức xe ô tô", "xep loai dang vien": "xếp loại đảng viên", "duong day nong": "đường dây nóng",
    "sap nhap tinh": "sáp nhập tỉnh", "sap xep tinh": "sắp xếp tỉnh", "sat nhap tinh": "sáp nhập tỉnh",
}

# Question phrases (folded): they say what is asked, not what about.
QUESTION_PHRASES: frozenset[str] = frozenset({
    "bao gio", "khi nao", "luc nao", "bao lau", "nhu the nao", "the nao", "ra sao", "lam gi", "o dau", "vao dau",
    "len dau", "tai dau", "nhung gi", "gom nhung", "thu may", "cai gi", "phan tram", "cho hoi", "cho minh hoi",
    "cho toi hoi", "cho em hoi", "the nay", "gi khong", "thi sao", "ban oi", "bot oi", "dung hay sai",
    "dung khong", "dung hay khong", "phai khong",
})

# How officials ask vs how directives write it (folded; "a_b" is a two-syllable phrase). A question word
# counts as found in a passage holding one of its synonyms, and the synonyms join the query at a lower weight.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "nop": ("gui", "trinh", "bao_cao"),  # nộp ~ gửi, trình, báo cáo
    "truoc": ("cham_nhat", "muon_nhat", "thoi_han"),  # "nộp trước ngày nào" ~ "chậm nhất ngày"
    "han": ("cham_nhat", "muon_nhat", "thoi_han", "thoi_gian"),  # "hạn nộp" ~ "thời hạn", "chậm nhất"
    "chot": ("cham_nhat", "thoi_han"),  # hạn chót
    "hoan_thanh": ("cham_nhat", "thoi_han"),
    "muon_nhat": ("cham_nhat",),
    "cham_nhat": ("muon_nhat", "thoi_han"),
}

# Folded question and filler words: they say what is asked, not what about.
QUESTION_WORDS: frozenset[str] = frozenset(
    "bao nhieu gi nao ai may sao khong phai chua la a nhe vay cho biet xin "
    "em oi u ko k j vs ah ak".split()
)

DOC_TYPES: tuple[str, ...] = (
    "Công văn", "Kế hoạch", "Chỉ thị", "Quyết định", "Nghị quyết", "Nghị định", "Thông tư", "Thông báo",
    "Hướng dẫn", "Báo cáo", "Tờ trình", "Chương trình", "Đề án", "Luật", "Công điện", "Quy chế", "Quy định",
)

# Document-type symbols in a number (Nghị định 30/2020/NĐ-CP, appendix I).
TYPE_SYMBOLS: dict[str, str] = {
    "NQ": "Nghị quyết", "QĐ": "Quyết định", "CT": "Chỉ thị", "KH": "Kế hoạch", "TB": "Thông báo",
    "HD": "Hướng dẫn", "BC": "Báo cáo", "TTr": "Tờ trình", "CTr": "Chương trình", "ĐA": "Đề án",
    "NĐ": "Nghị định", "TT": "Thông tư", "CĐ": "Công điện", "QC": "Quy chế", "QyĐ": "Quy định",
}

PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lạng Sơn", "Lào Cai", "Lâm Đồng", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Tiền Giang", "Thành phố Hồ Chí Minh",
    "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc", "Yên Bái",
)
