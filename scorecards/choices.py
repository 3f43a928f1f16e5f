"""The vocabulary of the domain, in one home: states, sets of states, audit actions, rights.

Models, services, filters, tables and tests import these names; nothing else spells a
state or an action code. Labels are translated (Vietnamese source, English catalogue).
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreState(models.TextChoices):
    """Where a score stands in the review between its lead agency and Sở Nội vụ."""

    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


class PeriodStatus(models.TextChoices):
    """The steps of a period (kỳ đánh giá); transitions live in scorecards.policy."""

    DRAFT = "draft", _("Dự thảo")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá")
    APPRAISAL = "appraisal", _("Thẩm định")
    EXPLANATION = "explanation", _("Giải trình")
    PUBLISHED = "published", _("Đã công bố")
    CLOSED = "closed", _("Đã đóng")


# States in which the lead agency may still change its points, explanation and evidence.
SCORE_EDITABLE_STATES = frozenset({ScoreState.DRAFT, ScoreState.RETURNED})
# Periods in which agencies work or follow their criteria (the workspace lists them).
OPEN_STATUSES = (PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION)
# Periods whose figures are final: they and everything their figures depend on (scores,
# evidence, SIPAS values, assignments, published results, the framework) are read-only.
FROZEN_STATUSES = frozenset({PeriodStatus.PUBLISHED, PeriodStatus.CLOSED})
# Periods in which Sở Nội vụ reviews submissions (the review meeting follows the deadline).
REVIEW_STATUSES = frozenset({PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL})
# Periods in which Sở Nội vụ enters the Ministry's appraisal (round 1, then round 2).
APPRAISAL_STATUSES = frozenset({PeriodStatus.APPRAISAL, PeriodStatus.EXPLANATION})


class Lineage(models.TextChoices):
    """How a node of a framework or questionnaire version relates to the version before it.

    "Dropped" is not stored: it is a node of the earlier version that no later node names.
    """

    SAME = "same", _("Giữ nguyên")
    RENAMED = "renamed", _("Đổi tên hoặc đổi mã")
    MOVED = "moved", _("Chuyển sang lĩnh vực, tiêu chí khác")
    SPLIT = "split", _("Tách từ một nội dung cũ")
    MERGED = "merged", _("Gộp từ nhiều nội dung cũ")
    NEW = "new", _("Mới")


# Kinds that name exactly one counterpart whose figures compare one to one.
ONE_TO_ONE_LINEAGES = frozenset({Lineage.SAME, Lineage.RENAMED, Lineage.MOVED})


class Baseline(models.TextChoices):
    """What a period is compared with (a merged province chooses among its predecessors)."""

    OWN = "own", _("Kỳ trước của chính đối tượng")
    NONE = "none", _("Không so sánh với năm trước")
    PREDECESSOR = "predecessor", _("Một tỉnh trước sáp nhập")
    AVERAGE = "average", _("Trung bình các tỉnh trước sáp nhập")


class CouncilRole(models.TextChoices):
    """A seat in a round's appraisal council (Hội đồng thẩm định)."""

    CHAIR = "chair", _("Chủ tịch Hội đồng")
    VICE_CHAIR = "vice_chair", _("Phó Chủ tịch Hội đồng")
    MEMBER = "member", _("Thành viên")
    APPRAISER = "appraiser", _("Thẩm định viên (giúp việc Hội đồng)")

    @classmethod
    def appraising(cls) -> frozenset:
        """Seats that enter appraisal points; the chair and vice-chairs read and conclude."""
        return frozenset({cls.MEMBER, cls.APPRAISER})


class AdjustmentKind(models.TextChoices):
    """The part outside the 100 points (Hà Nội QĐ 5666/QĐ-UBND 2025, content 9)."""

    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


class Right(models.TextChoices):
    """What a user may do with a score (`Score.objects.for_user(user, right)`)."""

    VIEW = "view", _("Xem")
    SELF_ASSESS = "self_assess", _("Tự đánh giá")
    EXPLAIN = "explain", _("Giải trình")
    REVIEW = "review", _("Duyệt")
    APPRAISE = "appraise", _("Nhập điểm thẩm định")
    ADMINISTER = "administer", _("Quản trị dữ liệu")


class AuditAction(models.TextChoices):
    """Every event the audit log can hold (pretix-style dotted names)."""

    SCORE_SELF_ASSESSED = "score.self_assessed", _("Tự đánh giá")
    SCORE_SUBMITTED = "score.submitted", _("Gửi Sở Nội vụ")
    SCORE_RETURNED = "score.returned", _("Trả lại")
    SCORE_ACCEPTED = "score.accepted", _("Chấp nhận")
    SCORE_APPRAISED = "score.appraised", _("Thẩm định")
    SCORE_EXPLAINED = "score.explained", _("Giải trình")
    EVIDENCE_UPLOADED = "evidence.uploaded", _("Tải lên tài liệu")
    EVIDENCE_DELETED = "evidence.deleted", _("Xoá tài liệu")
    PERIOD_OPENED = "period.opened", _("Mở tự đánh giá")
    PERIOD_LOCKED = "period.locked", _("Chốt điểm tự đánh giá")
    PERIOD_EXPLANATION_OPENED = "period.explanation_opened", _("Mở vòng giải trình")
    PERIOD_EXPLANATION_CLOSED = "period.explanation_closed", _("Đóng vòng giải trình")
    PERIOD_PUBLISHED = "period.published", _("Công bố kết quả")
    PERIOD_CLOSED = "period.closed", _("Đóng kỳ đánh giá")
    PERIOD_REOPENED = "period.reopened", _("Trở lại giai đoạn trước")
    PERIOD_EXCEPTION_GRANTED = "period.exception_granted", _("Cho phép ngoại lệ")
    PERIOD_DEADLINE_REMINDED = "period.deadline_reminded", _("Nhắc hạn")
    RECORD_CREATED = "record.created", _("Thêm dữ liệu")
    RECORD_CHANGED = "record.changed", _("Sửa dữ liệu")
    RECORD_DELETED = "record.deleted", _("Xoá dữ liệu")
    USER_CREATED = "user.created", _("Tạo tài khoản")
    USER_CHANGED = "user.changed", _("Sửa tài khoản")
    USER_PASSWORD_SET = "user.password_set", _("Đặt mật khẩu")
    SCORES_IMPORTED = "scores.imported", _("Nhập điểm từ tệp")
    AGENCIES_IMPORTED = "agencies.imported", _("Nhập cơ quan, đơn vị từ tệp")
    PROVINCES_IMPORTED = "provinces.imported", _("Nhập tỉnh, thành phố từ tệp")
    CRITERIA_IMPORTED = "criteria.imported", _("Nhập tiêu chí từ tệp")
    ASSIGNMENTS_IMPORTED = "assignments.imported", _("Nhập phân công từ tệp")
    SIPAS_IMPORTED = "sipas.imported", _("Nhập kết quả SIPAS từ tệp")
    NATIONAL_RESULTS_IMPORTED = "national_results.imported", _("Nhập kết quả công bố từ tệp")
    QUESTIONNAIRE_IMPORTED = "questionnaire.imported", _("Nhập bộ câu hỏi SIPAS từ tệp")
    FRAMEWORK_COPIED = "framework.copied", _("Sao chép bộ chỉ số thành phiên bản mới")
    QUESTIONNAIRE_COPIED = "questionnaire.copied", _("Sao chép bộ câu hỏi SIPAS thành phiên bản mới")
    ASSIGNMENTS_COPIED = "assignments.copied", _("Sao chép phân công từ năm trước")
    SCORE_NOT_APPLICABLE = "score.not_applicable", _("Đánh dấu tiêu chí không áp dụng")
    SCORE_EXPLANATION_REQUESTED = "score.explanation_requested", _("Yêu cầu giải trình")
    ROUND_SUBJECTS_ADDED = "round.subjects_added", _("Thêm đối tượng vào đợt đánh giá")
    ROUND_SUBJECT_REMOVED = "round.subject_removed", _("Bỏ đối tượng khỏi đợt đánh giá")
    SELF_ASSESSMENT_LOCKED = "period.self_locked", _("Đơn vị chốt điểm tự đánh giá")
    SELF_ASSESSMENT_WITHDRAWN = "period.self_withdrawn", _("Đơn vị rút lại để sửa điểm tự đánh giá")
    ADJUSTMENT_SAVED = "adjustment.saved", _("Ghi điểm thưởng, điểm trừ")
    ADJUSTMENT_DELETED = "adjustment.deleted", _("Xoá điểm thưởng, điểm trừ")
    ROUND_IMPORTED = "round.imported", _("Nhập dữ liệu đợt đánh giá từ tệp")
    REPORT_PUBLISHED = "report.published", _("Phát hành báo cáo phân tích")
    PLAN_ITEM_CREATED = "plan.item_created", _("Thêm nhiệm vụ khắc phục")
    PLAN_ITEM_CHANGED = "plan.item_changed", _("Sửa nhiệm vụ khắc phục")
    PLAN_PROGRESS_REPORTED = "plan.progress_reported", _("Báo cáo tiến độ khắc phục")
