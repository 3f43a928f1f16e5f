from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scorecards.choices import Right, ScoreState
from scorecards.text import lower_first
from scorecards.formatting import fmt_points

from .agencies import Agency
from .frameworks import POINTS, Criterion
from .periods import EvaluationPeriod


class ScoreQuerySet(models.QuerySet):
    def for_user(self, user, right: str = Right.VIEW):
        """The one rule of which scores a user may see or act on (NetBox's `restrict`).

        `right` is a `choices.Right`. Who: Home Affairs staff and leaders view every
        score, agency staff the scores their agency answers for (`responsible_agency`) or
        supports, a round's council every score of its round (appraisers and members also
        appraise them, except their own unit's: `policy.can_appraise`); only the responsible agency's staff self-assess and explain; only Home
        Affairs staff review, appraise and administer. When: each right narrows to the
        period statuses in which it can apply (`scorecards.policy.RIGHT_STATUSES`).
        Deadlines, exceptions and score states are per score: `policy.capabilities`.
        """
        from scorecards.permissions import can_manage, is_agency_staff, sees_everything
        from scorecards.policy import RIGHT_STATUSES

        if not user or not user.is_authenticated:
            return self.none()
        from .rounds import CouncilMember

        if right == Right.VIEW:
            if sees_everything(user):
                return self
            # A council seat reads every scorecard of its round.
            seated = Exists(CouncilMember.objects.filter(round_id=OuterRef("period__round_id"), user=user))
            if not user.agency_id:
                return self.filter(seated)
            from .periods import Assignment

            supports = Exists(Assignment.objects.filter(
                supporting_agencies=user.agency_id, period_id=OuterRef("period_id"), criterion_id=OuterRef("criterion_id")))
            return self.filter(Q(responsible_agency_id=user.agency_id) | supports | seated)
        if right in (Right.SELF_ASSESS, Right.EXPLAIN):
            if not user.agency_id:
                return self.none()
            qs = self.filter(responsible_agency_id=user.agency_id)
            if not is_agency_staff(user):
                # Sở Nội vụ's officers self-assess only Sở Nội vụ's own scorecard in a round.
                qs = qs.filter(period__round__isnull=False)
        elif can_manage(user):
            qs = self
        elif right == Right.APPRAISE:
            # Council members and appraisers of a round, never on their own unit's scorecard.
            from scorecards.choices import CouncilRole

            appraising = Exists(CouncilMember.objects.filter(round_id=OuterRef("period__round_id"), user=user,
                                                             role__in=CouncilRole.appraising()))
            qs = self.filter(appraising)
            if user.agency_id:
                qs = qs.exclude(period__subject_id=user.agency_id)
        else:
            return self.none()
        return qs.filter(period__status__in=RIGHT_STATUSES[right])

    def with_related(self):
        return self.select_related("criterion", "period", "updated_by", "responsible_agency")


class Score(models.Model):
    """The points of one leaf criterion in one period: self-assessed, then appraised.

    Appraisal has up to two rounds: round 1 from the Ministry's council and round 2 after
    the province's explanation; `final_points` is the latest. `version` is the optimistic
    lock: a save that carries an older version is refused (see services.scoring).
    """

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="scores")
    self_points = models.DecimalField(_("điểm tự đánh giá"), **POINTS, null=True, blank=True)
    explanation = models.TextField(_("giải trình cách tính điểm"), blank=True)
    appraised_points = models.DecimalField(_("điểm thẩm định (vòng 1)"), **POINTS, null=True, blank=True)
    appraised_points_round2 = models.DecimalField(_("điểm thẩm định (vòng 2)"), **POINTS, null=True, blank=True)
    appraisal_reason = models.TextField(_("nguyên nhân chưa đạt điểm tối đa"), blank=True)
    appeal_explanation = models.TextField(
        _("giải trình sau thẩm định"), blank=True,
        help_text=_("Giải trình của đơn vị gửi Bộ Nội vụ sau thẩm định vòng 1 (vòng giải trình)."),
    )
    # Who answers for the score: the lead agency of its assignment, kept in step by
    # Assignment.save()/delete() and set when the row is created (services.periods), so
    # that visibility and write rights are one filter and no view recomputes them.
    not_applicable = models.BooleanField(
        _("không áp dụng"), default=False,
        help_text=_("Đơn vị không có nội dung này (ví dụ không có thủ tục hành chính): điểm tối đa của tiêu chí "
                    "ra khỏi tổng của đơn vị và kết quả được quy về thang 100."),
    )
    explanation_requested = models.BooleanField(
        _("yêu cầu giải trình"), default=False,
        help_text=_("Hội đồng thẩm định yêu cầu đơn vị giải trình tiêu chí này ở vòng giải trình."),
    )
    responsible_agency = models.ForeignKey(
        Agency, verbose_name=_("đơn vị chủ trì"), null=True, blank=True, editable=False,
        on_delete=models.PROTECT, related_name="responsible_scores",
    )
    state = models.CharField(_("trạng thái"), max_length=20, choices=ScoreState.choices, default=ScoreState.DRAFT)
    review_comment = models.TextField(_("ý kiến của Sở Nội vụ"), blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "responsible_agency"])

    objects = ScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("điểm")
        verbose_name_plural = _("điểm")
        ordering = ["period", "criterion__sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "criterion"], name="score_unique_period_criterion",
                violation_error_message=_("Tiêu chí đã có điểm trong kỳ đánh giá này."),
            ),
            models.CheckConstraint(
                condition=Q(self_points__gte=0) | Q(self_points__isnull=True), name="score_self_points_not_negative",
                violation_error_message=_("Điểm tự đánh giá không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(appraised_points__gte=0) | Q(appraised_points__isnull=True), name="score_appraised_not_negative",
                violation_error_message=_("Điểm thẩm định không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(appraised_points_round2__gte=0) | Q(appraised_points_round2__isnull=True),
                name="score_appraised_round2_not_negative",
                violation_error_message=_("Điểm thẩm định vòng 2 không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.period.year} · {self.criterion.code}"

    @property
    def final_points(self) -> Decimal | None:
        """The appraised points that count: round 2 when entered, else round 1."""
        return self.appraised_points_round2 if self.appraised_points_round2 is not None else self.appraised_points

    @property
    def points_lost(self) -> Decimal | None:
        final = self.final_points
        return None if final is None else self.criterion.max_points - final

    @property
    def deduction(self) -> Decimal | None:
        """Points taken off the self-assessment on appraisal (negative when raised)."""
        final = self.final_points
        if final is None or self.self_points is None:
            return None
        return self.self_points - final

    POINT_FIELDS = ("self_points", "appraised_points", "appraised_points_round2")

    def clean(self):
        """Rules across rows: points within the criterion's maximum, survey points not
        self-assessed, three decimals at most. (Whether the period still takes writes is
        the service layer's question: services.scoring.check_period_right.)"""
        errors = {}
        criterion = self.criterion
        # Bulk callers (scorecard, import) set criterion.is_leaf from the tree they hold,
        # which saves one query per row.
        is_leaf = getattr(criterion, "is_leaf", None)
        if is_leaf is None:
            is_leaf = not criterion.children.exists()
        if not is_leaf:
            raise ValidationError(_("Tiêu chí %(code)s có tiêu chí con: chỉ chấm điểm ở tiêu chí lá.") % {"code": criterion.code})
        if self.not_applicable and any(getattr(self, n) is not None for n in self.POINT_FIELDS):
            raise ValidationError(_("Tiêu chí %(code)s không áp dụng với đơn vị: không chấm điểm.") % {"code": criterion.code})
        if self.self_points is not None and not criterion.is_self_assessed:
            errors["self_points"] = _(
                "Tiêu chí %(code)s được chấm qua %(source)s: không có điểm tự đánh giá."
            ) % {"code": criterion.code, "source": lower_first(criterion.get_scoring_source_display())}
        for name in self.POINT_FIELDS:
            value = getattr(self, name)
            if value is None or name in errors:
                continue
            label = self._meta.get_field(name).verbose_name
            if not isinstance(value, Decimal):
                value = Decimal(str(value))
            if value.as_tuple().exponent < -3:
                errors[name] = _("%(label)s của tiêu chí %(code)s có quá 3 chữ số thập phân (%(value)s).") % {
                    "label": label.capitalize(), "code": criterion.code, "value": str(value).replace(".", ","),
                }
            elif value < 0:
                errors[name] = _("%(label)s của tiêu chí %(code)s không được âm.") % {
                    "label": label.capitalize(), "code": criterion.code,
                }
            elif value > criterion.max_points:
                errors[name] = _("%(label)s của tiêu chí %(code)s là %(value)s, vượt điểm tối đa %(max)s.") % {
                    "label": label.capitalize(), "code": criterion.code,
                    "value": fmt_points(value), "max": fmt_points(criterion.max_points),
                }
        if errors:
            raise ValidationError(errors)


def evidence_upload_to(instance, filename):
    # Random name on disk; the original name is kept in original_name.
    import uuid

    return f"evidence/{instance.score.period.year}/{uuid.uuid4().hex}"


class EvidenceQuerySet(models.QuerySet):
    def for_user(self, user, right: str = Right.VIEW):
        """Evidence follows its score: whoever has `right` on the score has it on its documents."""
        return self.filter(score__in=Score.objects.for_user(user, right).values("pk"))


class EvidenceDocument(models.Model):
    """An evidence document (tài liệu kiểm chứng) attached to a score; private file."""

    score = models.ForeignKey(Score, verbose_name=_("điểm"), on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    doc_number = models.CharField(_("số văn bản"), max_length=100, blank=True)
    doc_date = models.DateField(_("ngày văn bản"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    title = models.CharField(_("trích yếu"), max_length=500, blank=True)
    is_supplementary = models.BooleanField(_("bổ sung khi giải trình"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tải lên"), null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tài liệu kiểm chứng")
        verbose_name_plural = _("tài liệu kiểm chứng")
        ordering = ["score", "uploaded_at", "pk"]

    def __str__(self):
        return self.title or self.original_name
