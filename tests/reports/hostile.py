"""Hostile texts for the printed report: what officers really paste into a reason.

Each text ends with an ASCII end mark, so a test can tell that nothing was lost when the
text was broken across lines, cells and pages. Used by test_print_hostile.py.
"""
from __future__ import annotations

import unicodedata

END_LONG = "KETTHUC16K"
END_LINES = "KETTHUC21D"
END_NFD = "KETTHUCNFD"
END_LIST = "KETTHUCDS"

# A file name of 110 characters without a space (a signed decision as it was uploaded).
LONG_FILENAME = ("QD_1234-QD-UBND_2024_phe_duyet_ke_hoach_cai_cach_hanh_chinh_tinh_Dien_Bien_nam_2024"
                 "_ban_ky_so_final_v3_sua.pdf")

# A URL of 300 characters (a link into the document management system, pasted whole).
_URL_HEAD = "https://vanban.dienbien.gov.vn/van-ban-dieu-hanh/chi-tiet?id=2024-QD-UBND-001234&tab=dinh-kem&file="
LONG_URL = (_URL_HEAD + "x" * 300)[:300 - len(".pdf")] + ".pdf"

_SENTENCE = ("Tỷ lệ hồ sơ giải quyết đúng hạn của Trung tâm Phục vụ hành chính công chưa đạt yêu cầu; "
             "việc số hóa kết quả giải quyết thủ tục hành chính còn chậm, chưa đồng bộ giữa các cấp. ")


def _long_reason(size: int = 16_000) -> str:
    """A pasted explanation of `size` characters: numbered paragraphs of ordinary sentences."""
    paragraphs: list[str] = []
    while True:
        paragraph = f"({len(paragraphs) + 1}) " + (_SENTENCE * 3).strip()
        if len("\n".join(paragraphs + [paragraph])) > size - len(END_LONG) - 2:
            break
        paragraphs.append(paragraph)
    text = "\n".join(paragraphs)
    pad = size - len(text) - len(END_LONG) - 2  # a line break and a space
    return text + "\n" + (_SENTENCE * 4)[:pad] + " " + END_LONG


def _many_lines(count: int = 21, size: int = 2_680) -> str:
    """`count` short lines (a list pasted from a spreadsheet) of `size` characters in all."""
    budget = size - (count - 1)  # the line breaks count as characters
    base, extra = divmod(budget, count)
    lines = []
    for i in range(count):
        width = base + (1 if i < extra else 0)
        head = f"- Văn bản số {i + 1:02d}: "
        if i == count - 1:
            tail = " " + END_LINES
            lines.append((head + _SENTENCE * 2)[:width - len(tail)].rstrip().ljust(width - len(tail), ".") + tail)
        else:
            lines.append((head + _SENTENCE * 2)[:width].rstrip().ljust(width, "."))
    return "\n".join(lines)


LONG_REASON = _long_reason()
MANY_LINES = _many_lines()
# Vietnamese typed on a Mac or copied from a PDF: letters and their marks as separate code points.
NFD_TEXT = unicodedata.normalize(
    "NFD", "Chưa ban hành kế hoạch kiểm tra công tác cải cách hành chính; hồ sơ điện tử chưa được số hóa đầy đủ. ") + END_NFD
# 30 items of about 77 characters (2 260 in all): each prints on two lines of the reason
# column, so the list is taller than a landscape page though neither very long nor many lines.
TALL_LIST = "\n".join(f"- Quyết định số {i:02d}/QĐ-UBND ngày 12/3/2024 về việc ban hành kế hoạch kiểm tra;"
                      for i in range(1, 30)) + f"\n- {END_LIST}"
FILENAME_REASON = f"Minh chứng không hợp lệ: tệp {LONG_FILENAME} không có chữ ký số."
URL_REASON = f"Xem {LONG_URL}"

# The reasons given to the shortfall rows, in order (the rest keep their own text).
REASONS = [MANY_LINES, LONG_REASON, FILENAME_REASON, URL_REASON, NFD_TEXT, TALL_LIST]
