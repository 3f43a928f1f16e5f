"""The illustrative rounds of Điện Biên's own PAR index in the demo (called by load_demo).

Điện Biên's own index of its departments and communes was not found in public sources for
2024–2025 (../reference/dien-bien-units-2025.md §3): the frameworks, the scores, the council
and the decisions below are generated and every one of them says "(minh họa)". Only the
names of the units are real: the 14 departments of 1/3/2025 (and the 19 before them, for
2024) and the 45 communes and wards of 1/7/2025 with their codes (NQ 1661/NQ-UBTVQH15).

What is loaded:
- two 2025 frameworks of 100 points on eight fields modelled on the provinces' indices
  (../domain-2026.md §3): `cchc-so-2025-minh-hoa` (departments, 57 leaves) and
  `cchc-xa-2025-minh-hoa` (communes and wards, 47 leaves); field 3 is administrative
  procedures (a unit without procedures is exempt), field 8 the surveys (leaders, citizens);
- `cchc-so-2024-minh-hoa`, the departments' 2024 version the 2025 one is mapped to;
- the closed 2024 round of the 19 departments before the merger, so that 2025 has changes
  and rank moves against last year;
- the published 2025 round: 14 departments and 45 communes and wards, grade bands, caps,
  council, decision; the scorecards' points generated from a fixed seed so that each group
  has every grade, an exact tie, exemptions (field 3 of three departments), survey points,
  flagged criteria explained and appraised again in round 2, one bonus and one penalty;
- the accounts `xamuongnhe` (Xã Mường Nhé), `thamdinh` (council appraiser) and
  `chutichhd` (council chair).

Structure goes through the services (scorecards.services.rounds, adjustments) acting as
an inactive Sở Nội vụ account `dulieuminhhoa` ("Dữ liệu minh họa", no usable password), so
the audit log names no real officer; the generated points are written in bulk, as a data
import would, with one history row each. Idempotent like the rest of the demo: a round that
exists (by province, year and name) is left as it is, and every other row is created only
when missing.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone

from scorecards import permissions
from scorecards.choices import AdjustmentKind, CouncilRole, Lineage, PeriodStatus, ScoreState
from scorecards.models import (
    Agency, CouncilMember, Criterion, EvaluationPeriod, Framework, GradeBand, Round, Score, ScoringSource, SubjectGroup, User,
)

SEED = 2025
STEP = Decimal("0.25")
PLACES = Decimal("0.001")
ZERO = Decimal("0")
MARK = "(minh họa)"
BANDS = (("Tốt", Decimal(90)), ("Khá", Decimal(80)), ("Trung bình", Decimal(65)), ("Yếu", Decimal(0)))
HISTORY_REASON = "Số liệu minh họa (load_demo)"

# ---- units ---------------------------------------------------------------------------------

# The 45 commune-level units from 1/7/2025 (code of Decision 19/2025/QĐ-TTg, name): 3 wards, 42 communes.
COMMUNES = (
    ("03127", "Phường Điện Biên Phủ"), ("03151", "Phường Mường Lay"), ("03334", "Phường Mường Thanh"),
    ("03158", "Xã Sín Thầu"), ("03160", "Xã Mường Nhé"), ("03162", "Xã Nậm Kè"), ("03163", "Xã Mường Toong"),
    ("03164", "Xã Quảng Lâm"), ("03166", "Xã Mường Chà"), ("03169", "Xã Nà Hỳ"), ("03172", "Xã Na Sang"),
    ("03175", "Xã Chà Tở"), ("03176", "Xã Nà Bủng"), ("03181", "Xã Mường Tùng"), ("03193", "Xã Pa Ham"),
    ("03194", "Xã Nậm Nèn"), ("03199", "Xã Si Pa Phìn"), ("03202", "Xã Mường Pồn"), ("03203", "Xã Na Son"),
    ("03208", "Xã Xa Dung"), ("03214", "Xã Mường Luân"), ("03217", "Xã Tủa Chùa"), ("03220", "Xã Tủa Thàng"),
    ("03226", "Xã Sín Chải"), ("03241", "Xã Sính Phình"), ("03244", "Xã Sáng Nhè"), ("03253", "Xã Tuần Giáo"),
    ("03256", "Xã Mường Ảng"), ("03260", "Xã Pú Nhung"), ("03268", "Xã Mường Mùn"), ("03283", "Xã Chiềng Sinh"),
    ("03295", "Xã Quài Tở"), ("03301", "Xã Búng Lao"), ("03313", "Xã Mường Lạn"), ("03316", "Xã Nà Tấu"),
    ("03325", "Xã Mường Phăng"), ("03328", "Xã Thanh Nưa"), ("03349", "Xã Thanh Yên"), ("03352", "Xã Thanh An"),
    ("03356", "Xã Sam Mứn"), ("03358", "Xã Núa Ngam"), ("03368", "Xã Mường Nhà"), ("03370", "Xã Pu Nhi"),
    ("03382", "Xã Phình Giàng"), ("03385", "Xã Tìa Dình"),
)
COMMUNE_STARTED = date(2025, 7, 1)
COMMUNE_ORDER = 100

# The four pre-2025 agencies the main demo does not hold (it has the other fifteen of 19):
# code, name, short name, order, the agency that took over their work on 1/3/2025.
ENDED_2025 = (
    ("so-nong-nghiep-va-phat-trien-nong-thon", "Sở Nông nghiệp và Phát triển nông thôn", "SNN&PTNT", 9,
     "so-nong-nghiep-va-moi-truong"),
    ("so-giao-thong-van-tai", "Sở Giao thông vận tải", "SGTVT", 10, "so-xay-dung"),
    ("so-tai-nguyen-va-moi-truong", "Sở Tài nguyên và Môi trường", "STNMT", 9, "so-nong-nghiep-va-moi-truong"),
    ("ban-dan-toc", "Ban Dân tộc", "BDT", 15, "so-dan-toc-va-ton-giao"),
)
ENDED_ON = date(2025, 2, 28)

# Illustrative targets: each subject's total (bonus and penalty included, of 100). The
# generated points reach it within a quarter point; every target is at least half a point
# away from a band's threshold, so the grade it implies is the one the ranking computes.
DEPARTMENTS_2025 = {
    "so-tu-phap": Decimal("93.6"), "van-phong-ubnd-tinh": Decimal("91.4"), "so-noi-vu": Decimal("90.9"),
    "so-tai-chinh": Decimal("88.3"), "so-khoa-hoc-va-cong-nghe": Decimal("86.8"), "so-y-te": Decimal("84.6"),
    "so-xay-dung": Decimal("84.6"), "so-giao-duc-va-dao-tao": Decimal("82.7"), "thanh-tra-tinh": Decimal("81.4"),
    "so-cong-thuong": Decimal("78.2"), "so-van-hoa-the-thao-va-du-lich": Decimal("75.1"),
    "so-nong-nghiep-va-moi-truong": Decimal("71.6"), "so-ngoai-vu": Decimal("68.3"),
    "so-dan-toc-va-ton-giao": Decimal("62.7"),
}
DEPARTMENTS_2024 = {
    "van-phong-ubnd-tinh": Decimal("92.1"), "so-tu-phap": Decimal("90.8"), "so-tai-chinh": Decimal("88.9"),
    "so-noi-vu": Decimal("87.4"), "so-ke-hoach-va-dau-tu": Decimal("86.2"), "so-y-te": Decimal("85.7"),
    "so-giao-duc-va-dao-tao": Decimal("84.1"), "so-thong-tin-va-truyen-thong": Decimal("83.5"),
    "so-khoa-hoc-va-cong-nghe": Decimal("82.6"), "so-xay-dung": Decimal("81.9"), "so-cong-thuong": Decimal("80.8"),
    "thanh-tra-tinh": Decimal("79.4"), "so-van-hoa-the-thao-va-du-lich": Decimal("78.6"),
    "so-lao-dong-thuong-binh-va-xa-hoi": Decimal("77.2"), "so-tai-nguyen-va-moi-truong": Decimal("76.1"),
    "so-nong-nghiep-va-phat-trien-nong-thon": Decimal("74.5"), "so-giao-thong-van-tai": Decimal("72.8"),
    "so-ngoai-vu": Decimal("70.4"), "ban-dan-toc": Decimal("66.9"),
}
# Communes by grade: how many, and the range their targets are drawn from (wards first).
COMMUNE_GRADES = ((4, 90.6, 93.8), (14, 80.6, 89.2), (19, 65.6, 79.3), (8, 56.0, 64.3))

# ---- frameworks ----------------------------------------------------------------------------
# (code, name, maximum of a leaf or None for a parent, source of a leaf); a parent's maximum
# is the sum of its children's. Field 3 is administrative procedures, field 8 the surveys.
E, S, C = ScoringSource.EVIDENCE, ScoringSource.SURVEY, ScoringSource.SIPAS
DEPARTMENT_TREE = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", None, E),
    ("1.1", "Kế hoạch cải cách hành chính năm", None, E),
    ("1.1.1", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn", "1", E),
    ("1.1.2", "Mức độ hoàn thành kế hoạch cải cách hành chính", "2", E),
    ("1.2", "Báo cáo cải cách hành chính", None, E),
    ("1.2.1", "Số lượng, thời hạn báo cáo định kỳ", "1", E),
    ("1.2.2", "Chất lượng báo cáo", "0.5", E),
    ("1.3", "Kiểm tra công tác cải cách hành chính", None, E),
    ("1.3.1", "Ban hành kế hoạch kiểm tra", "0.5", E),
    ("1.3.2", "Kiểm tra đơn vị trực thuộc và xử lý vấn đề phát hiện qua kiểm tra", "1.5", E),
    ("1.4", "Tuyên truyền cải cách hành chính", None, E),
    ("1.4.1", "Ban hành kế hoạch tuyên truyền", "0.5", E),
    ("1.4.2", "Mức độ thực hiện kế hoạch tuyên truyền", "1", E),
    ("1.5", "Sáng kiến, giải pháp mới trong cải cách hành chính", None, E),
    ("1.5.1", "Sáng kiến, giải pháp được cấp có thẩm quyền công nhận", "2", E),
    ("2", "Cải cách thể chế", None, E),
    ("2.1", "Xây dựng, ban hành văn bản quy phạm pháp luật", None, E),
    ("2.1.1", "Thực hiện kế hoạch xây dựng văn bản quy phạm pháp luật", "2", E),
    ("2.1.2", "Lấy ý kiến, thẩm định văn bản đúng quy trình", "2", E),
    ("2.2", "Rà soát, hệ thống hóa văn bản quy phạm pháp luật", None, E),
    ("2.2.1", "Ban hành kế hoạch rà soát, hệ thống hóa", "1", E),
    ("2.2.2", "Xử lý kết quả rà soát", "2", E),
    ("2.3", "Tổ chức thi hành pháp luật", None, E),
    ("2.3.1", "Theo dõi tình hình thi hành pháp luật", "1.5", E),
    ("2.3.2", "Phổ biến, giáo dục pháp luật", "1.5", E),
    ("3", "Cải cách thủ tục hành chính", None, E),
    ("3.1", "Kiểm soát thủ tục hành chính", None, E),
    ("3.1.1", "Công bố, công khai thủ tục hành chính đúng thời hạn", "2", E),
    ("3.1.2", "Rà soát, đơn giản hóa thủ tục hành chính", "2", E),
    ("3.2", "Thực hiện cơ chế một cửa, một cửa liên thông", None, E),
    ("3.2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "3", E),
    ("3.2.2", "Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ quá hạn", "1", E),
    ("3.2.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "2", E),
    ("3.3", "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính", None, E),
    ("3.3.1", "Xử lý phản ánh, kiến nghị đúng thời hạn", "2", E),
    ("3.4", "Dịch vụ công trực tuyến", None, E),
    ("3.4.1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "1", E),
    ("3.4.2", "Thu phí, lệ phí qua Cổng dịch vụ công", "1", E),
    ("4", "Cải cách tổ chức bộ máy hành chính", None, E),
    ("4.1", "Sắp xếp tổ chức bộ máy", None, E),
    ("4.1.1", "Thực hiện quy định về cơ cấu tổ chức", "2", E),
    ("4.1.2", "Sắp xếp tổ chức bên trong sau hợp nhất", "2", E),
    ("4.2", "Quản lý, sử dụng biên chế", None, E),
    ("4.2.1", "Sử dụng biên chế được giao", "1.5", E),
    ("4.2.2", "Thực hiện tinh giản biên chế", "1.5", E),
    ("4.3", "Phân cấp, ủy quyền", None, E),
    ("4.3.1", "Thực hiện và kiểm tra nhiệm vụ được phân cấp, ủy quyền", "3", E),
    ("5", "Cải cách chế độ công vụ", None, E),
    ("5.1", "Vị trí việc làm", None, E),
    ("5.1.1", "Phê duyệt, cập nhật vị trí việc làm", "1.5", E),
    ("5.1.2", "Bố trí công chức theo vị trí việc làm", "1.5", E),
    ("5.2", "Tuyển dụng, đánh giá công chức", None, E),
    ("5.2.1", "Tuyển dụng đúng quy định", "1", E),
    ("5.2.2", "Đánh giá, xếp loại chất lượng công chức", "2", E),
    ("5.3", "Kỷ luật, kỷ cương hành chính", None, E),
    ("5.3.1", "Chấp hành kỷ luật, kỷ cương hành chính", "2", E),
    ("5.3.2", "Không có cán bộ, công chức bị kỷ luật", "2", E),
    ("5.4", "Đào tạo, bồi dưỡng", None, E),
    ("5.4.1", "Thực hiện kế hoạch đào tạo, bồi dưỡng", "2", E),
    ("6", "Cải cách tài chính công", None, E),
    ("6.1", "Quản lý, sử dụng ngân sách", None, E),
    ("6.1.1", "Thực hiện kế hoạch vốn đầu tư công được giao", "2", E),
    ("6.1.2", "Công khai ngân sách", "2", E),
    ("6.2", "Cơ chế tự chủ", None, E),
    ("6.2.1", "Tự chủ của đơn vị sự nghiệp công lập, quy chế chi tiêu nội bộ", "3", E),
    ("6.3", "Quản lý tài sản công", None, E),
    ("6.3.1", "Quản lý, sử dụng tài sản công đúng quy định", "1.5", E),
    ("6.3.2", "Thực hành tiết kiệm, chống lãng phí", "1.5", E),
    ("7", "Xây dựng, phát triển chính quyền điện tử, chính quyền số", None, E),
    ("7.1", "Hạ tầng, nền tảng số", None, E),
    ("7.1.1", "Hệ thống quản lý văn bản và điều hành", "1.5", E),
    ("7.1.2", "Sử dụng chữ ký số", "1.5", E),
    ("7.2", "Ứng dụng công nghệ thông tin trong xử lý công việc", None, E),
    ("7.2.1", "Tỷ lệ văn bản điện tử", "2.5", E),
    ("7.2.2", "Họp trực tuyến, báo cáo trên Hệ thống thông tin báo cáo", "1.5", E),
    ("7.3", "Cổng, trang thông tin điện tử", None, E),
    ("7.3.1", "Cập nhật thông tin đầy đủ, kịp thời", "1.5", E),
    ("7.3.2", "Kết nối, chia sẻ dữ liệu", "1.5", E),
    ("7.4", "Bảo đảm an toàn thông tin", None, E),
    ("7.4.1", "Phê duyệt hồ sơ cấp độ, kiểm tra an toàn thông tin", "2", E),
    ("7.5", "Chuyển đổi số", None, E),
    ("7.5.1", "Kế hoạch chuyển đổi số của đơn vị", "1", E),
    ("7.5.2", "Cơ sở dữ liệu chuyên ngành", "1", E),
    ("8", "Kết quả khảo sát (điều tra xã hội học)", None, S),
    ("8.1", "Khảo sát lãnh đạo, quản lý", None, S),
    ("8.1.1", "Đánh giá công tác chỉ đạo, điều hành cải cách hành chính", "2.5", S),
    ("8.1.2", "Đánh giá cải cách thể chế và thủ tục hành chính", "2.5", S),
    ("8.1.3", "Đánh giá tổ chức bộ máy và chế độ công vụ", "2.5", S),
    ("8.1.4", "Đánh giá chính quyền số", "2.5", S),
    ("8.2", "Khảo sát sự hài lòng của người dân, tổ chức", None, C),
    ("8.2.1", "Tiếp cận dịch vụ", "2.5", C),
    ("8.2.2", "Thủ tục hành chính", "2.5", C),
    ("8.2.3", "Công chức giải quyết công việc", "2.5", C),
    ("8.2.4", "Kết quả giải quyết công việc", "2.5", C),
)
# The departments' 2024 version: the same nodes, one named differently (renamed in 2025).
DEPARTMENT_TREE_2024_NAMES = {"4.1.2": "Sắp xếp đơn vị sự nghiệp công lập trực thuộc"}

COMMUNE_TREE = (
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", None, E),
    ("1.1", "Kế hoạch cải cách hành chính năm", None, E),
    ("1.1.1", "Ban hành kế hoạch cải cách hành chính năm đúng thời hạn", "1", E),
    ("1.1.2", "Mức độ hoàn thành kế hoạch cải cách hành chính", "2", E),
    ("1.2", "Báo cáo cải cách hành chính", None, E),
    ("1.2.1", "Số lượng, thời hạn báo cáo định kỳ", "1", E),
    ("1.2.2", "Chất lượng báo cáo", "0.5", E),
    ("1.3", "Tuyên truyền cải cách hành chính", None, E),
    ("1.3.1", "Thực hiện kế hoạch tuyên truyền", "1.5", E),
    ("1.4", "Vận hành chính quyền địa phương hai cấp", None, E),
    ("1.4.1", "Tiếp nhận nhiệm vụ, hồ sơ từ cấp huyện trước đây", "2", E),
    ("1.4.2", "Ban hành quy chế làm việc của UBND xã, phường", "2", E),
    ("2", "Cải cách thể chế", None, E),
    ("2.1", "Ban hành văn bản quy phạm pháp luật của HĐND, UBND cấp xã", None, E),
    ("2.1.1", "Thực hiện kế hoạch ban hành văn bản", "2", E),
    ("2.1.2", "Đúng thẩm quyền, trình tự, thủ tục", "2", E),
    ("2.2", "Rà soát văn bản quy phạm pháp luật", None, E),
    ("2.2.1", "Rà soát và xử lý kết quả rà soát", "2", E),
    ("2.3", "Phổ biến pháp luật, hòa giải ở cơ sở", None, E),
    ("2.3.1", "Phổ biến, giáo dục pháp luật", "1", E),
    ("2.3.2", "Hòa giải ở cơ sở", "1", E),
    ("3", "Cải cách thủ tục hành chính", None, E),
    ("3.1", "Công khai thủ tục hành chính", None, E),
    ("3.1.1", "Công khai đầy đủ trên Cổng dịch vụ công", "2", E),
    ("3.1.2", "Niêm yết tại Bộ phận một cửa", "1", E),
    ("3.2", "Giải quyết thủ tục hành chính", None, E),
    ("3.2.1", "Tỷ lệ hồ sơ giải quyết đúng hạn", "4", E),
    ("3.2.2", "Xin lỗi tổ chức, cá nhân khi giải quyết hồ sơ quá hạn", "1", E),
    ("3.2.3", "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "3", E),
    ("3.3", "Dịch vụ công trực tuyến", None, E),
    ("3.3.1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "2", E),
    ("3.3.2", "Thu phí, lệ phí qua Cổng dịch vụ công", "2", E),
    ("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị", None, E),
    ("3.4.1", "Xử lý phản ánh, kiến nghị đúng thời hạn", "3", E),
    ("4", "Cải cách tổ chức bộ máy hành chính", None, E),
    ("4.1", "Cơ cấu tổ chức sau sắp xếp", None, E),
    ("4.1.1", "Thành lập, kiện toàn các phòng chuyên môn", "2", E),
    ("4.1.2", "Trung tâm phục vụ hành chính công cấp xã", "2", E),
    ("4.2", "Bố trí cán bộ, công chức sau sắp xếp", None, E),
    ("4.2.1", "Bố trí đúng số lượng được giao", "2", E),
    ("4.2.2", "Giải quyết chế độ, chính sách", "2", E),
    ("5", "Cải cách chế độ công vụ", None, E),
    ("5.1", "Vị trí việc làm", None, E),
    ("5.1.1", "Bố trí cán bộ, công chức theo vị trí việc làm", "3", E),
    ("5.2", "Đánh giá, xếp loại", None, E),
    ("5.2.1", "Đánh giá, xếp loại chất lượng cán bộ, công chức", "3", E),
    ("5.3", "Kỷ luật, kỷ cương hành chính", None, E),
    ("5.3.1", "Chấp hành kỷ luật, kỷ cương hành chính", "2", E),
    ("5.3.2", "Không có cán bộ, công chức bị kỷ luật", "2", E),
    ("6", "Cải cách tài chính công", None, E),
    ("6.1", "Dự toán, quyết toán ngân sách xã", None, E),
    ("6.1.1", "Lập, giao dự toán đúng thời hạn", "2", E),
    ("6.1.2", "Quyết toán ngân sách đúng quy định", "2", E),
    ("6.2", "Công khai tài chính", None, E),
    ("6.2.1", "Công khai ngân sách, tài chính", "2", E),
    ("6.3", "Tài sản công", None, E),
    ("6.3.1", "Quản lý tài sản công sau sắp xếp", "2", E),
    ("7", "Xây dựng, phát triển chính quyền điện tử, chính quyền số", None, E),
    ("7.1", "Văn bản điện tử, chữ ký số", None, E),
    ("7.1.1", "Tỷ lệ văn bản điện tử", "2", E),
    ("7.1.2", "Sử dụng chữ ký số", "2", E),
    ("7.2", "Họp trực tuyến", None, E),
    ("7.2.1", "Điểm cầu họp trực tuyến cấp xã", "2", E),
    ("7.3", "Trang thông tin điện tử", None, E),
    ("7.3.1", "Cập nhật thông tin đầy đủ, kịp thời", "3", E),
    ("7.4", "Chuyển đổi số cộng đồng", None, E),
    ("7.4.1", "Tổ công nghệ số cộng đồng", "2", E),
    ("7.4.2", "Định danh điện tử của người dân", "2", E),
    ("8", "Kết quả khảo sát (điều tra xã hội học)", None, S),
    ("8.1", "Khảo sát lãnh đạo, quản lý", None, S),
    ("8.1.1", "Đánh giá công tác chỉ đạo, điều hành cải cách hành chính", "2.5", S),
    ("8.1.2", "Đánh giá cải cách thủ tục hành chính", "2.5", S),
    ("8.1.3", "Đánh giá tổ chức bộ máy và công vụ", "2.5", S),
    ("8.1.4", "Đánh giá chính quyền số", "2.5", S),
    ("8.2", "Khảo sát sự hài lòng của người dân, tổ chức", None, C),
    ("8.2.1", "Tiếp cận dịch vụ", "3", C),
    ("8.2.2", "Thủ tục hành chính", "3", C),
    ("8.2.3", "Công chức giải quyết công việc", "3", C),
    ("8.2.4", "Kết quả giải quyết công việc", "3", C),
    ("8.2.5", "Tiếp nhận, xử lý góp ý, phản ánh", "3", C),
)

LEGAL_BASIS = ("Minh họa: mô phỏng bộ chỉ số cải cách hành chính cấp tỉnh (8 lĩnh vực, thang 100 điểm, có khảo sát); "
               "không phải văn bản của tỉnh Điện Biên")
FRAMEWORKS = (
    # code, name, tree, year, previous code, names that differ from the tree
    ("cchc-so-2024-minh-hoa", "Bộ chỉ số CCHC các sở, ban, ngành năm 2024 (minh họa)", DEPARTMENT_TREE, 2024, None,
     DEPARTMENT_TREE_2024_NAMES),
    ("cchc-so-2025-minh-hoa", "Bộ chỉ số CCHC các sở, ban, ngành năm 2025 (minh họa)", DEPARTMENT_TREE, 2025,
     "cchc-so-2024-minh-hoa", {}),
    ("cchc-xa-2025-minh-hoa", "Bộ chỉ số CCHC UBND xã, phường năm 2025 (minh họa)", COMMUNE_TREE, 2025, None, {}),
)

# ---- texts ---------------------------------------------------------------------------------

REASONS = (
    "Tài liệu kiểm chứng chưa thể hiện đầy đủ kết quả thực hiện trong năm.",
    "Thực hiện chưa đúng thời hạn theo kế hoạch.",
    "Kết quả thực hiện chưa đạt chỉ tiêu được giao.",
    "Báo cáo chưa có số liệu cụ thể để đối chiếu.",
    "Chưa có văn bản triển khai thực hiện nội dung này.",
)
APPEALS = (
    "Đơn vị bổ sung văn bản triển khai ban hành trong năm và báo cáo kết quả có số liệu; đề nghị Hội đồng xem xét lại.",
    "Đơn vị bổ sung biên bản kiểm tra và danh sách đơn vị trực thuộc đã được kiểm tra trong năm.",
    "Hồ sơ quá hạn do hệ thống gián đoạn; đơn vị gửi văn bản xác nhận của đơn vị vận hành hệ thống.",
)
ROUND2_ACCEPTED = "Vòng 2: chấp nhận giải trình và tài liệu bổ sung."
ROUND2_KEPT = "Vòng 2: giữ nguyên điểm vòng 1, tài liệu bổ sung ban hành sau thời điểm chốt số liệu."


@dataclass
class GroupSpec:
    code: str
    name: str
    kind: str
    framework: str
    targets: dict  # agency code -> target total
    exempt: dict = field(default_factory=dict)  # agency code -> criterion codes not applicable
    ties: tuple = ()  # (agency whose points are copied, agency that gets them)
    bonus: dict = field(default_factory=dict)  # agency code -> save_adjustment values
    penalty: dict = field(default_factory=dict)


@dataclass
class RoundSpec:
    year: int
    name: str
    legal_basis: str
    self_deadline: datetime
    explanation_deadline: datetime
    decision_number: str
    decision_date: date
    final_status: str
    groups: list
    council: tuple


def _at(y, m, d, hour=17) -> datetime:
    return timezone.make_aware(datetime(y, m, d, hour, 0))


COUNCIL_2025 = (
    (CouncilRole.CHAIR, "Phó Chủ tịch UBND tỉnh (minh họa)", "Phó Chủ tịch Ủy ban nhân dân tỉnh Điện Biên", "chutichhd"),
    (CouncilRole.VICE_CHAIR, "Giám đốc Sở Nội vụ (minh họa)", "Giám đốc Sở Nội vụ", None),
    (CouncilRole.MEMBER, "Chánh Văn phòng UBND tỉnh (minh họa)", "Văn phòng UBND tỉnh", None),
    (CouncilRole.MEMBER, "Phó Giám đốc Sở Tư pháp (minh họa)", "Sở Tư pháp", None),
    (CouncilRole.MEMBER, "Phó Giám đốc Sở Tài chính (minh họa)", "Sở Tài chính", None),
    (CouncilRole.MEMBER, "Phó Giám đốc Sở Khoa học và Công nghệ (minh họa)", "Sở Khoa học và Công nghệ", None),
    (CouncilRole.MEMBER, "Phó Chánh Thanh tra tỉnh (minh họa)", "Thanh tra tỉnh", None),
    (CouncilRole.APPRAISER, "Thẩm định viên Sở Nội vụ (minh họa)", "Phòng Cải cách hành chính, Sở Nội vụ", "thamdinh"),
)
# 2024: the same seats, without accounts (the demo's council accounts are the 2025 round's).
COUNCIL_2024 = tuple((role, name, position, None) for role, name, position, _user in COUNCIL_2025)

# The author of the generated rounds' steps (see demo_loader): username, first and last name.
LOADER = ("dulieuminhhoa", "Dữ liệu minh họa", "(load_demo)")

# Demo accounts of the rounds (username, first name, last name, agency code or None, group or None).
ACCOUNTS = (
    ("xamuongnhe", "Cán bộ", "UBND xã Mường Nhé", "xa-03160", permissions.AGENCY_STAFF),
    ("thamdinh", "Thẩm định viên", "Hội đồng thẩm định (minh họa)", None, None),
    ("chutichhd", "Chủ tịch", "Hội đồng thẩm định (minh họa)", None, None),
)


def commune_code(number: str) -> str:
    return f"xa-{number}"


def _commune_targets() -> dict:
    """Targets of the 45 communes and wards: wards and the former district towns on top,
    the rest shuffled with a fixed seed; Xã Mường Nhé (a demo account) in the middle."""
    rng = random.Random(SEED + 45)
    values = []
    for count, low, high in COMMUNE_GRADES:
        values += sorted((Decimal(str(round(rng.uniform(low, high), 1))) for _ in range(count)), reverse=True)
    head = ["03127", "03334", "03151", "03253"]
    rest = [n for n, _name in COMMUNES if n not in head and n != "03160"]
    rng.shuffle(rest)
    order = head + rest[:20] + ["03160"] + rest[20:]
    return {commune_code(n): v for n, v in zip(order, values, strict=True)}


def round_specs() -> list[RoundSpec]:
    departments_2024 = GroupSpec(
        code="so", name="Các sở, ban, ngành tỉnh", kind=Agency.Kind.DEPARTMENT, framework="cchc-so-2024-minh-hoa",
        targets=DEPARTMENTS_2024, exempt={"thanh-tra-tinh": ("3", "8.2"), "so-ngoai-vu": ("3", "8.2")},
        ties=(("so-y-te", "so-giao-duc-va-dao-tao"),),
    )
    departments = GroupSpec(
        code="so", name="Các sở, ban, ngành tỉnh", kind=Agency.Kind.DEPARTMENT, framework="cchc-so-2025-minh-hoa",
        targets=DEPARTMENTS_2025,
        exempt={"thanh-tra-tinh": ("3", "8.2"), "so-ngoai-vu": ("3", "8.2"), "so-dan-toc-va-ton-giao": ("3.4",)},
        ties=(("so-y-te", "so-xay-dung"),),
        bonus={"van-phong-ubnd-tinh": {
            "content": "Mô hình “Trung tâm Phục vụ hành chính công một cấp” được UBND tỉnh công nhận là sáng kiến "
                       "cải cách hành chính (minh họa)",
            "claimed_points": Decimal("2"), "points": Decimal("1.5"),
            "explanation": "Quyết định công nhận sáng kiến cấp tỉnh (minh họa).",
            "appraisal_reason": "Chấp nhận 1,5 điểm: sáng kiến cấp tỉnh, chưa nhân rộng trong năm.",
        }},
    )
    communes = GroupSpec(
        code="xa", name="UBND các xã, phường", kind=Agency.Kind.COMMUNE, framework="cchc-xa-2025-minh-hoa",
        targets=_commune_targets(), ties=((commune_code("03166"), commune_code("03217")),),
        penalty={commune_code("03244"): {
            "content": "Để xảy ra sai sót trong giải quyết thủ tục hành chính bị cơ quan có thẩm quyền kết luận "
                       "(minh họa)",
            "points": Decimal("2"),
            "appraisal_reason": "Trừ 2 điểm theo kết luận kiểm tra công vụ (minh họa).",
        }},
    )
    return [
        RoundSpec(
            year=2024, name=f"Chỉ số CCHC năm 2024 của các sở, ban, ngành tỉnh Điện Biên {MARK}",
            legal_basis=f"Kế hoạch xác định Chỉ số CCHC năm 2024 {MARK}; {LEGAL_BASIS}",
            self_deadline=_at(2024, 11, 29), explanation_deadline=_at(2025, 1, 10),
            decision_number=f"215/QĐ-UBND {MARK}", decision_date=date(2025, 2, 20), final_status=PeriodStatus.CLOSED,
            groups=[departments_2024], council=COUNCIL_2024,
        ),
        RoundSpec(
            year=2025,
            name=f"Chỉ số CCHC năm 2025 của các sở, ban, ngành và UBND cấp xã tỉnh Điện Biên {MARK}",
            legal_basis=f"Kế hoạch xác định Chỉ số CCHC năm 2025 {MARK}; {LEGAL_BASIS}",
            self_deadline=_at(2025, 11, 28), explanation_deadline=_at(2026, 1, 9),
            decision_number=f"268/QĐ-UBND {MARK}", decision_date=date(2026, 2, 12), final_status=PeriodStatus.PUBLISHED,
            groups=[departments, communes], council=COUNCIL_2025,
        ),
    ]


# ---- loading -------------------------------------------------------------------------------

def load_demo_rounds(province, *, password: str | None = None) -> dict:
    """Load the illustrative rounds (see the module's text); returns {username: password} of
    the accounts it created or whose password it set, as load_demo does."""
    from scorecards.services.demo import upsert

    agencies = _load_units(upsert)
    created_passwords = _load_accounts(agencies, password)
    frameworks = {code: _load_framework(code, name, tree, year, previous, names, upsert)
                  for code, name, tree, year, previous, names in FRAMEWORKS}
    missing = [spec for spec in round_specs()
               if not Round.objects.filter(province=province, year=spec.year, name=spec.name).exists()]
    if not missing:
        return created_passwords
    actor = demo_loader()
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS] + ["sotuphap", "sotaichinh"])}
    for spec in missing:
        _build_round(spec, province, actor, agencies, frameworks, users)
    return created_passwords


def demo_loader():
    """The author the services and the audit log name for the generated rounds: an account
    in the Sở Nội vụ group (the services' rights hold) that nobody logs in with (inactive,
    no usable password), so that no real officer is shown doing what the demo made up."""
    username, first, last = LOADER
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=first, last_name=last, is_active=False)
        user.set_unusable_password()
        user.save()
    group = Group.objects.get(name=permissions.HOME_AFFAIRS)
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
    return user


def _load_units(upsert) -> dict:
    agencies = {a.code: a for a in Agency.objects.filter(kind__in=[Agency.Kind.DEPARTMENT, Agency.Kind.OFFICE])}
    for code, name, short, order, successor in ENDED_2025:
        if code not in agencies and successor in agencies:
            agencies[code], _created = upsert(Agency, {"code": code}, {
                "name": name, "short_name": short, "kind": Agency.Kind.DEPARTMENT, "order": order, "ended_on": ENDED_ON,
                "successor": agencies[successor]})
    existing = {a.code: a for a in Agency.objects.filter(code__in=[commune_code(n) for n, _name in COMMUNES])}
    for order, (number, name) in enumerate(COMMUNES):
        code = commune_code(number)
        agency = existing.get(code)
        if agency is None:
            agency = Agency.objects.create(code=code, name=name, kind=Agency.Kind.COMMUNE, order=COMMUNE_ORDER + order,
                                           started_on=COMMUNE_STARTED)
        agencies[code] = agency
    return agencies


def _load_accounts(agencies: dict, password: str | None) -> dict:
    created = {}
    for username, first, last, agency_code, group_name in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=first, last_name=last, email=f"{username}@demo.chiso-cchc.local",
                        agency=agencies.get(agency_code) if agency_code else None)
            created[username] = password or secrets.token_urlsafe(9)
            user.set_password(created[username])
            user.save()
        elif password and not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
            created[username] = password
        if group_name:
            group = Group.objects.get(name=group_name)
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
    return created


def _load_framework(code, name, tree, year, previous_code, names, upsert) -> Framework:
    """A framework version and its criteria (created only when the framework is new: a
    framework an earlier run loaded keeps its own criteria)."""
    previous = Framework.objects.filter(code=previous_code).first() if previous_code else None
    framework, created = upsert(Framework, {"code": code}, {
        "name": name, "legal_basis": LEGAL_BASIS, "total_points": Decimal(100), "year_from": year, "year_to": year,
        "previous": previous})
    if not created:
        return framework
    maxima = _maxima(tree)
    nodes, links = {}, []
    counterparts = {c.code: c for c in Criterion.objects.filter(framework=previous)} if previous else {}
    for order, (ccode, cname, _max, source) in enumerate(tree):
        parent = nodes.get(ccode.rsplit(".", 1)[0]) if "." in ccode else None
        counterpart = counterparts.get(ccode)
        lineage = ""
        if counterpart is not None:
            lineage = Lineage.SAME if counterpart.name == names.get(ccode, cname) else Lineage.RENAMED
        nodes[ccode] = Criterion.objects.create(
            framework=framework, parent=parent, code=ccode, name=names.get(ccode, cname), max_points=maxima[ccode],
            scoring_source=source, order=order, lineage=lineage,
            guide="Hướng dẫn chấm điểm minh họa: chấm theo tài liệu kiểm chứng của đơn vị." if source == E else "")
        if counterpart is not None:
            links.append(Criterion.predecessors.through(from_criterion_id=nodes[ccode].pk, to_criterion_id=counterpart.pk))
    Criterion.predecessors.through.objects.bulk_create(links)
    return framework


def _maxima(tree) -> dict:
    """Each node's maximum: a leaf's as written, a parent's the sum of its children's."""
    maxima = {code: Decimal(m) for code, _n, m, _s in tree if m is not None}
    for code, _n, m, _s in reversed(tree):
        if m is None:
            maxima[code] = sum((v for c, v in maxima.items() if c.rsplit(".", 1)[0] == code and "." in c), ZERO)
    return maxima


def _build_round(spec: RoundSpec, province, actor, agencies: dict, frameworks: dict, users: dict) -> Round:
    from scorecards.services import rounds as round_service

    round_ = Round.objects.create(
        province=province, year=spec.year, name=spec.name, legal_basis=spec.legal_basis,
        self_assessment_deadline=spec.self_deadline, explanation_deadline=spec.explanation_deadline, is_illustrative=True)
    for order, (role, name, position, username) in enumerate(spec.council):
        CouncilMember.objects.create(round=round_, name=name, position=position, role=role,
                                     user=users.get(username) if username else None, order=order)
    groups = []
    for order, g in enumerate(spec.groups):
        group = SubjectGroup.objects.create(round=round_, code=g.code, name=g.name, subject_kind=g.kind,
                                            framework=frameworks[g.framework], bonus_cap=Decimal(3), penalty_cap=Decimal(5),
                                            order=order)
        GradeBand.objects.bulk_create([GradeBand(group=group, label=label, min_points=m) for label, m in BANDS])
        round_service.add_subjects(group.pk, [agencies[code] for code in g.targets], actor=actor)
        groups.append((group, g))
    for group, g in groups:
        _exempt(group, g, actor)
    # Self-assessment, appraisal (round 1), explanation, appraisal (round 2): the points of
    # every step are generated at once and written after the last one.
    for status in (PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION, PeriodStatus.APPRAISAL):
        round_service.change_round_status(round_.pk, status, actor=actor)
    rng = random.Random(f"{SEED}-{spec.year}")
    for group, g in groups:
        _adjust(group, g, actor)
        _score_group(group, g, rng, actor, users)
    round_.decision_number = spec.decision_number
    round_.decision_date = spec.decision_date
    round_.decision_signer = "Phó Chủ tịch UBND tỉnh (minh họa)"
    round_.decision_signer_title = "KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"
    round_.save(update_fields=["decision_number", "decision_date", "decision_signer", "decision_signer_title"])
    round_service.change_round_status(round_.pk, PeriodStatus.PUBLISHED, actor=actor)
    if spec.final_status == PeriodStatus.CLOSED:
        round_service.change_round_status(round_.pk, PeriodStatus.CLOSED, actor=actor)
    return round_


def _exempt(group: SubjectGroup, g: GroupSpec, actor):
    """Sở Nội vụ's exemptions (not applicable), set before the round opens."""
    from scorecards.services.rounds import set_not_applicable

    criteria = {c.code: c.pk for c in Criterion.objects.filter(framework_id=group.framework_id)}
    periods = {p.subject.code: p.pk for p in group.periods.select_related("subject")}
    for agency_code, codes in g.exempt.items():
        for code in codes:
            set_not_applicable(periods[agency_code], criteria[code], True, actor=actor)


def _adjust(group: SubjectGroup, g: GroupSpec, actor):
    from scorecards.services.adjustments import save_adjustment

    periods = {p.subject.code: p.pk for p in group.periods.select_related("subject")}
    for kind, items in ((AdjustmentKind.BONUS, g.bonus), (AdjustmentKind.PENALTY, g.penalty)):
        for agency_code, values in items.items():
            save_adjustment(periods[agency_code], {"kind": kind, **values}, actor=actor)


def _score_group(group: SubjectGroup, g: GroupSpec, rng: random.Random, actor, users: dict):
    """Generate and write every scorecard's points of a group (self, round 1, round 2, survey)."""
    leaves = {c.pk: c for c in Criterion.objects.filter(framework_id=group.framework_id).leaves()}
    periods = list(group.periods.select_related("subject").order_by("pk"))
    scores = {}
    for s in Score.objects.filter(period__group=group).order_by("pk"):
        scores.setdefault(s.period_id, []).append(s)
    adjustments = {}
    for code, values in g.bonus.items():
        adjustments[code] = values["points"]
    for code, values in g.penalty.items():
        adjustments[code] = -values["points"]
    finals = {}
    for p in periods:
        rows = [s for s in scores[p.pk] if not s.not_applicable]
        target = g.targets[p.subject.code] - adjustments.get(p.subject.code, ZERO)
        finals[p.subject.code] = _final_points(rows, leaves, target, rng)
    for source, copy in g.ties:
        finals[copy] = _permuted(finals[source], scores[_period_of(periods, copy)], scores[_period_of(periods, source)],
                                 leaves, rng)
    staff = {u.agency_id: u for u in users.values() if u.agency_id}
    changed = []
    for p in periods:
        final = finals[p.subject.code]
        flagged = rng.random() < 0.3
        for s in scores[p.pk]:
            if s.criterion_id in final:
                _fill(s, leaves[s.criterion_id], final[s.criterion_id], rng, flagged)
                changed.append(s)
        p.self_locked_at = p.self_assessment_deadline - timedelta(days=rng.randint(1, 12), hours=rng.randint(0, 6))
        p.self_locked_by = staff.get(p.subject_id)
    EvaluationPeriod.objects.bulk_update(periods, ["self_locked_at", "self_locked_by"])
    _update_rows(changed, ["self_points", "explanation", "appraised_points", "appraised_points_round2", "appraisal_reason",
                           "appeal_explanation", "explanation_requested", "state"])
    Score.history.bulk_history_create(changed, batch_size=1000, update=True, default_user=actor,
                                      default_change_reason=HISTORY_REASON)


def _update_rows(scores: list[Score], names: list[str]):
    """UPDATE the rows' `names` columns by primary key in one executemany: the generated
    points of thousands of rows, as an import writes them (QuerySet.bulk_update builds a
    CASE per field and row, about forty times slower here)."""
    fields = [Score._meta.get_field(n) for n in names]
    qn = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        qn(Score._meta.db_table), ", ".join(f"{qn(f.column)} = %s" for f in fields), qn(Score._meta.pk.column))
    params = [[f.get_db_prep_save(getattr(s, f.attname), connection) for f in fields] + [s.pk] for s in scores]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _period_of(periods, agency_code) -> int:
    return next(p.pk for p in periods if p.subject.code == agency_code)


def _q(value) -> Decimal:
    return Decimal(value).quantize(PLACES, rounding=ROUND_HALF_UP)


def _final_points(rows: list[Score], leaves: dict, target: Decimal, rng: random.Random) -> dict:
    """{criterion id: final points} of a subject's applicable leaves whose rescaled total is
    within a quarter point of `target` (of 100): survey points near the target's rate
    (three decimals, as imported), evidence points on a grid of quarter points, the losses
    in chunks on a few criteria as appraisals lose them."""
    applicable = sum((leaves[s.criterion_id].max_points for s in rows), ZERO)
    needed = target * applicable / 100
    final = {}
    evidence = []
    for s in rows:
        leaf = leaves[s.criterion_id]
        if leaf.scoring_source in (S, C):
            rate = min(Decimal("0.98"), target / 100 + Decimal(str(round(rng.uniform(-0.07, 0.05), 3))))
            final[leaf.pk] = _q(leaf.max_points * rate)
        else:
            final[leaf.pk] = leaf.max_points
            evidence.append(leaf)
    loss = sum(final.values(), ZERO) - needed
    steps = int((loss / STEP).to_integral_value(rounding=ROUND_HALF_UP))
    steps = min(steps, sum(int(final[leaf.pk] / STEP) for leaf in evidence))
    while steps > 0:
        leaf = rng.choice(evidence)
        room = int(final[leaf.pk] / STEP)
        if room == 0:
            continue
        chunk = min(steps, room, rng.choice((1, 1, 2, 2, 4)))
        final[leaf.pk] -= STEP * chunk
        steps -= chunk
    return {k: _q(v) for k, v in final.items()}


def _permuted(final: dict, copy_rows: list[Score], source_rows: list[Score], leaves: dict, rng: random.Random) -> dict:
    """The tied partner's points: the source's, with two evidence leaves of the same maximum
    (in different fields when possible) swapped, so the totals are equal to the last digit
    but the fields differ."""
    by_code = {leaves[s.criterion_id].code: leaves[s.criterion_id] for s in source_rows if s.criterion_id in final}
    copied = {s.criterion_id: final[s.criterion_id] for s in copy_rows if s.criterion_id in final}
    if len(copied) != len(final):
        raise ValueError("A tie needs two subjects with the same applicable criteria.")
    pairs = [(a, b) for a in by_code.values() for b in by_code.values()
             if a.code < b.code and a.max_points == b.max_points and a.scoring_source == b.scoring_source == E
             and final[a.pk] != final[b.pk] and a.code.split(".")[0] != b.code.split(".")[0]]
    if pairs:
        a, b = rng.choice(pairs)
        copied[a.pk], copied[b.pk] = final[b.pk], final[a.pk]
    return copied


def _fill(score: Score, leaf: Criterion, final: Decimal, rng: random.Random, flagged_subject: bool):
    """Self-assessed points (mostly at or above the appraisal), round 1 and round 2 (on a
    few criteria flagged for explanation), reasons and explanations."""
    score.state = ScoreState.ACCEPTED
    if leaf.scoring_source != E:
        score.appraised_points = final  # imported survey points
        return
    lost = final < leaf.max_points
    draw = rng.random()
    if not lost:
        score.self_points = leaf.max_points
    elif draw < 0.65:
        score.self_points = leaf.max_points
    elif draw < 0.93:
        score.self_points = _q(final + STEP * rng.randint(0, int((leaf.max_points - final) / STEP)))
    else:
        score.self_points = _q(max(ZERO, final - STEP))  # the council found more than the unit claimed
    if rng.random() < 0.3 or score.self_points < leaf.max_points:
        score.explanation = (f"Căn cứ báo cáo kết quả thực hiện trong năm của đơn vị: {leaf.name[0].lower()}{leaf.name[1:]} "
                             f"(giải trình minh họa).")
    score.appraised_points = final
    if lost:
        score.appraisal_reason = rng.choice(REASONS)
    if flagged_subject and score.self_points > ZERO and rng.random() < 0.06:
        _flag(score, leaf, final, rng)


def _flag(score: Score, leaf: Criterion, final: Decimal, rng: random.Random):
    """A criterion the council asked the unit to explain: round 1 lower (or the same), the
    unit's explanation with supplementary evidence, round 2 the final points."""
    score.explanation_requested = True
    score.self_points = leaf.max_points
    score.appeal_explanation = rng.choice(APPEALS)
    room = int(final / STEP)
    if room and rng.random() < 0.7:
        score.appraised_points = _q(final - STEP * rng.randint(1, min(room, 4)))
        verdict = ROUND2_ACCEPTED
    else:
        verdict = ROUND2_KEPT
    score.appraised_points_round2 = final
    first = score.appraisal_reason or rng.choice(REASONS)
    score.appraisal_reason = f"Vòng 1: {first} {verdict}"
