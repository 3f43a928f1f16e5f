"""The province's own PAR index of its departments and communes (Chỉ số CCHC của tỉnh).

A round (đợt đánh giá) is one year's index of a province's own units: groups of subjects
(departments; communes, wards and special zones; …), each scored with its own framework
version, ranked within the group and graded by the group's bands; an appraisal council;
one EvaluationPeriod per subject (its scorecard) whose status follows the round's.
Source of the rules: ../domain-2026.md §3 (Hà Nội QĐ 5666/QĐ-UBND 2025, Hà Nam 2023,
Khánh Hòa), restated where each rule lives (scorecards.services.ranking).
"""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scorecards.choices import FROZEN_STATUSES, AdjustmentKind, CouncilRole, PeriodStatus

from .agencies import Agency
from .frameworks import POINTS, Framework


class RoundQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rounds a user may open: all for Sở Nội vụ and leaders; a council member's rounds;
        for unit staff, the rounds in which their unit is a subject (they see only their own
        scorecard inside it)."""
        from scorecards.permissions import sees_everything

        if not user or not user.is_authenticated:
            return self.none()
        if sees_everything(user):
            return self
        q = Q(council__user=user)
        if user.agency_id:
            q |= Q(periods__subject_id=user.agency_id)
        return self.filter(q).distinct()


class Round(models.Model):
    """One year's own index of a province (e.g. "Chỉ số CCHC năm 2025 của các sở, ban, ngành
    và UBND cấp xã").

    `status` is the step of every scorecard of the round (their EvaluationPeriod.status is
    kept equal by scorecards.services.rounds, the only writer). Deadlines are the round's
    and copied onto its scorecards by the same service. The publication decision
    (number, date, signer) is required before publishing.
    """

    province = models.ForeignKey("scorecards.Province", verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT,
                                 related_name="rounds")
    year = models.PositiveIntegerField(_("năm"))
    name = models.CharField(_("tên đợt đánh giá"), max_length=255)
    legal_basis = models.CharField(_("căn cứ (kế hoạch, bộ chỉ số)"), max_length=500, blank=True)
    status = models.CharField(_("giai đoạn"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT,
                              editable=False)
    self_assessment_deadline = models.DateTimeField(_("hạn tự đánh giá"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True,
                                       help_text=_("Ví dụ: 512/QĐ-UBND"))
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_signer = models.CharField(_("người ký"), max_length=120, blank=True)
    decision_signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True,
                                             help_text=_("Ví dụ: KT. CHỦ TỊCH – PHÓ CHỦ TỊCH"))
    is_illustrative = models.BooleanField(
        _("số liệu minh họa"), default=False,
        help_text=_("Số liệu tạo ra để minh họa, không phải kết quả thật: trang và văn bản ghi rõ."),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("đợt đánh giá của tỉnh")
        verbose_name_plural = _("đợt đánh giá của tỉnh")
        ordering = ["-year", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "name"], name="round_unique_province_year_name",
                                    violation_error_message=_("Đã có đợt đánh giá cùng tên trong năm.")),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self._state.adding and kwargs.get("update_fields") is None:
            # `status` is written only by services.rounds.change_round_status (with
            # update_fields): saving a copy loaded before a step never moves the round back.
            kwargs["update_fields"] = [f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "status"]
        super().save(*args, **kwargs)
        # Every scorecard of the round follows the round's deadlines and illustrative mark.
        self.periods.update(self_assessment_deadline=self.self_assessment_deadline,
                            explanation_deadline=self.explanation_deadline, is_illustrative=self.is_illustrative)

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES

    @property
    def decision_label(self) -> str:
        """ "Quyết định số 512/QĐ-UBND ngày 20/01/2026" or "" before the decision."""
        if not self.decision_number:
            return ""
        label = _("Quyết định số %(n)s") % {"n": self.decision_number}
        if self.decision_date:
            label += _(" ngày %(d)s") % {"d": self.decision_date.strftime("%d/%m/%Y")}
        return label

    def publication_problems(self) -> list[str]:
        """What is missing before the round can be published (Vietnamese sentences)."""
        problems = []
        if not self.decision_number.strip():
            problems.append(_("Chưa ghi số quyết định công bố."))
        if not self.decision_date:
            problems.append(_("Chưa ghi ngày quyết định công bố."))
        if not self.decision_signer.strip():
            problems.append(_("Chưa ghi người ký quyết định."))
        return problems

    def previous(self):
        """The province's latest earlier round (for changes against last year), or None."""
        return Round.objects.filter(province_id=self.province_id, year__lt=self.year).order_by("-year", "-pk").first()

    def clean(self):
        errors = {}
        if self.self_assessment_deadline and self.explanation_deadline and \
                self.explanation_deadline < self.self_assessment_deadline:
            errors["explanation_deadline"] = _("Hạn giải trình phải sau hạn tự đánh giá.")
        if self.decision_date and self.year and self.decision_date.year < self.year:
            errors["decision_date"] = _("Quyết định công bố kết quả năm %(y)s không thể ban hành trước năm đó.") % {"y": self.year}
        if errors:
            raise ValidationError(errors)


class SubjectGroup(models.Model):
    """A group of subjects ranked together (nhóm đối tượng), with its framework version,
    its grade bands and its caps on bonus and penalty points (outside the 100)."""

    round = models.ForeignKey(Round, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE, related_name="groups")
    code = models.SlugField(_("mã nhóm"), max_length=40)
    name = models.CharField(_("tên nhóm"), max_length=255)
    subject_kind = models.CharField(_("loại đối tượng"), max_length=20, choices=Agency.Kind.choices,
                                    default=Agency.Kind.DEPARTMENT)
    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT,
                                  related_name="subject_groups")
    bonus_cap = models.DecimalField(_("điểm thưởng tối đa"), **POINTS, default=Decimal("0"),
                                    help_text=_("Tổng điểm thưởng được cộng không vượt quá mức này."))
    penalty_cap = models.DecimalField(_("điểm trừ tối đa"), **POINTS, default=Decimal("0"),
                                      help_text=_("Tổng điểm trừ không vượt quá mức này."))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm đối tượng")
        verbose_name_plural = _("nhóm đối tượng")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="group_unique_round_code",
                                    violation_error_message=_("Đợt đánh giá đã có nhóm với mã này.")),
            models.CheckConstraint(condition=Q(bonus_cap__gte=0) & Q(penalty_cap__gte=0), name="group_caps_not_negative",
                                   violation_error_message=_("Mức điểm thưởng, điểm trừ tối đa không được âm.")),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.framework_id and self.round_id and not self.framework.covers(self.round.year):
            raise ValidationError({"framework": _("Bộ chỉ số %(fw)s áp dụng cho năm %(years)s, không phải năm %(year)s.") % {
                "fw": self.framework, "years": self.framework.years_label, "year": self.round.year}})


class GradeBand(models.Model):
    """A grade of a group (xếp loại): a total at or above `min_points` (of 100, bonus and
    penalty included) earns `label`, unless a higher band applies. Thresholds differ by
    province: they are data (Khánh Hòa: Tốt ≥ 90, Khá 80–< 90, Trung bình 65–< 80, Yếu < 65)."""

    group = models.ForeignKey(SubjectGroup, verbose_name=_("nhóm đối tượng"), on_delete=models.CASCADE, related_name="bands")
    label = models.CharField(_("xếp loại"), max_length=40)
    min_points = models.DecimalField(_("từ (điểm)"), **POINTS, help_text=_("Tổng điểm từ mức này trở lên (trên thang 100)."))

    class Meta:
        verbose_name = _("mức xếp loại")
        verbose_name_plural = _("mức xếp loại")
        ordering = ["group", "-min_points"]
        constraints = [
            models.UniqueConstraint(fields=["group", "label"], name="band_unique_group_label",
                                    violation_error_message=_("Nhóm đã có mức xếp loại này.")),
            models.UniqueConstraint(fields=["group", "min_points"], name="band_unique_group_min",
                                    violation_error_message=_("Nhóm đã có mức xếp loại bắt đầu từ số điểm này.")),
            models.CheckConstraint(condition=Q(min_points__gte=0) & Q(min_points__lte=100), name="band_min_0_100",
                                   violation_error_message=_("Ngưỡng xếp loại phải từ 0 đến 100 điểm.")),
        ]

    def __str__(self):
        return f"{self.label} ≥ {self.min_points}"


class CouncilMember(models.Model):
    """A member of the round's appraisal council (Hội đồng thẩm định) or an appraiser
    helping it (a member's delegate, a Sở Nội vụ officer).

    With an account (`user`), members and appraisers see every scorecard of the round;
    appraisers and members appraise (never their own unit's scorecard); the chair and
    vice-chairs read.
    """

    round = models.ForeignKey(Round, verbose_name=_("đợt đánh giá"), on_delete=models.CASCADE, related_name="council")
    name = models.CharField(_("họ và tên"), max_length=120)
    position = models.CharField(_("chức vụ, đơn vị công tác"), max_length=255, blank=True)
    role = models.CharField(_("vai trò"), max_length=20, choices=CouncilRole.choices, default=CouncilRole.MEMBER)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("tài khoản"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="council_seats")
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("thành viên hội đồng thẩm định")
        verbose_name_plural = _("hội đồng thẩm định")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "user"], name="council_unique_round_user",
                                    violation_error_message=_("Tài khoản này đã có trong hội đồng của đợt.")),
            models.UniqueConstraint(fields=["round"], condition=Q(role="chair"), name="council_one_chair",
                                    violation_error_message=_("Hội đồng chỉ có một chủ tịch.")),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def appraises(self) -> bool:
        return self.role in CouncilRole.appraising()


def adjustment_upload_to(instance, filename):
    import uuid

    return f"adjustments/{instance.period.year}/{uuid.uuid4().hex}"


class Adjustment(models.Model):
    """A bonus or penalty of one subject (điểm thưởng, điểm trừ), outside the 100 points.

    The unit claims a bonus with evidence and an explanation (`claimed_points`); the council
    sets the points that count (`points`) and any penalty. The group's caps bound the sums
    (scorecards.services.ranking). `version` is the optimistic lock.
    """

    period = models.ForeignKey("scorecards.EvaluationPeriod", verbose_name=_("phiếu đánh giá"), on_delete=models.CASCADE,
                               related_name="adjustments")
    kind = models.CharField(_("loại"), max_length=10, choices=AdjustmentKind.choices)
    content = models.CharField(_("nội dung"), max_length=500)
    claimed_points = models.DecimalField(_("điểm đơn vị đề nghị"), **POINTS, null=True, blank=True)
    points = models.DecimalField(_("điểm được tính"), **POINTS, null=True, blank=True,
                                 help_text=_("Điểm hội đồng thẩm định chấp nhận; để trống là chưa thẩm định."))
    explanation = models.TextField(_("giải trình"), blank=True)
    appraisal_reason = models.TextField(_("ý kiến thẩm định"), blank=True)
    evidence = models.FileField(_("tài liệu kiểm chứng"), upload_to=adjustment_upload_to, max_length=255, blank=True)
    evidence_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm thưởng, điểm trừ")
        verbose_name_plural = _("điểm thưởng, điểm trừ")
        ordering = ["period", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(points__gte=0) | Q(points__isnull=True)) & (Q(claimed_points__gte=0) | Q(claimed_points__isnull=True)),
                name="adjustment_points_not_negative",
                violation_error_message=_("Điểm thưởng, điểm trừ ghi số dương (điểm trừ được trừ khi tính tổng)."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.content}"

    @property
    def signed_points(self) -> Decimal:
        """What the adjustment adds to the total before caps: +bonus, −penalty, 0 unappraised."""
        if self.points is None:
            return Decimal("0")
        return self.points if self.kind == AdjustmentKind.BONUS else -self.points

    def clean(self):
        errors = {}
        if not (self.content or "").strip():
            errors["content"] = _("Cần ghi nội dung điểm thưởng, điểm trừ.")
        for name in ("claimed_points", "points"):
            value = getattr(self, name)
            if value is not None and Decimal(value).as_tuple().exponent < -3:
                errors[name] = _("Điểm có quá 3 chữ số thập phân.")
            elif value is not None and value < 0:
                errors[name] = _("Ghi số điểm dương; điểm trừ được trừ khi tính tổng.")
        if self.kind == AdjustmentKind.PENALTY and self.claimed_points is not None:
            errors["claimed_points"] = _("Điểm trừ do hội đồng thẩm định ghi, đơn vị không đề nghị.")
        if errors:
            raise ValidationError(errors)
