from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.choices import FROZEN_STATUSES, Baseline, PeriodStatus

from .agencies import Agency
from .frameworks import Criterion, Framework


class PeriodQuerySet(models.QuerySet):
    def for_year(self, year: int):
        """Periods of a year whose subject is a province (the default subject)."""
        return self.filter(year=year, subject__kind=Agency.Kind.PROVINCE)

    def outside_rounds(self):
        """Periods that are not a unit's scorecard in a province's own round (those live on
        the round's pages: scorecards.views.rounds)."""
        return self.filter(round__isnull=True)


class EvaluationPeriod(models.Model):
    """One year's evaluation of one subject with one framework (kỳ đánh giá).

    The subject is the province by default; nothing here stops a province from scoring
    its own departments with another framework. Published figures (score, rank) live in
    NationalResult, keyed by year and province, so they are stored once.
    """

    year = models.PositiveIntegerField(_("năm"))
    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.PROTECT, related_name="periods")
    subject = models.ForeignKey(Agency, verbose_name=_("đối tượng đánh giá"), on_delete=models.PROTECT, related_name="periods")
    status = models.CharField(_("trạng thái"), max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.DRAFT)
    self_assessment_deadline = models.DateTimeField(_("hạn tự đánh giá"), null=True, blank=True)
    explanation_deadline = models.DateTimeField(_("hạn giải trình"), null=True, blank=True)
    published_decision = models.CharField(
        _("quyết định công bố"), max_length=255, blank=True,
        help_text=_("Ví dụ: các Quyết định số 267, 268/QĐ-BNV ngày 28/3/2025"),
    )
    sipas_questionnaire = models.ForeignKey(
        "scorecards.SipasQuestionnaire", verbose_name=_("bộ câu hỏi SIPAS"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="periods",
    )
    baseline = models.CharField(
        _("so sánh với năm trước"), max_length=12, choices=Baseline.choices, default=Baseline.OWN,
        help_text=_("Tỉnh hình thành do sáp nhập: chọn so với một tỉnh cũ, trung bình các tỉnh cũ, hoặc không so sánh."),
    )
    baseline_province = models.ForeignKey(
        "scorecards.Province", verbose_name=_("tỉnh cũ dùng để so sánh"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    is_illustrative = models.BooleanField(
        _("số liệu minh họa"), default=False,
        help_text=_("Số liệu tạo ra để minh họa, không phải kết quả thật: trang và báo cáo ghi rõ."),
    )
    # The province's own index: the subject's scorecard in a round (scorecards.models.rounds).
    # Status and deadlines follow the round's (scorecards.services.rounds keeps them equal).
    round = models.ForeignKey("scorecards.Round", verbose_name=_("đợt đánh giá của tỉnh"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="periods", editable=False)
    group = models.ForeignKey("scorecards.SubjectGroup", verbose_name=_("nhóm đối tượng"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="periods", editable=False)
    # "Chốt điểm tự chấm": the unit locks its self-assessment with the signed report attached;
    # it may withdraw the lock to edit until the deadline (scorecards.services.selflock).
    self_locked_at = models.DateTimeField(_("chốt điểm tự đánh giá lúc"), null=True, blank=True, editable=False)
    self_locked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người chốt điểm"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+", editable=False)
    self_report = models.FileField(_("báo cáo tự đánh giá đã ký"), upload_to="self-reports/", max_length=255, blank=True,
                                   editable=False)
    self_report_name = models.CharField(_("tên tệp báo cáo"), max_length=255, blank=True, editable=False)
    self_report_sha256 = models.CharField(_("mã băm báo cáo"), max_length=64, blank=True, editable=False)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("kỳ đánh giá")
        verbose_name_plural = _("kỳ đánh giá")
        ordering = ["-year", "subject__order", "pk"]
        constraints = [
            # Outside rounds only: a unit may sit in two rounds of a year on one framework
            # (a round of rehearsal, a second round); inside a round, once (below).
            models.UniqueConstraint(
                fields=["year", "framework", "subject"], condition=models.Q(round__isnull=True),
                name="period_unique_year_framework_subject",
                violation_error_message=_("Đã có kỳ đánh giá cho đối tượng và bộ chỉ số này trong năm."),
            ),
            models.UniqueConstraint(
                fields=["round", "subject"], name="period_unique_round_subject",
                violation_error_message=_("Đối tượng này đã có trong đợt đánh giá."),
            ),
        ]

    def __str__(self):
        return _("Kỳ đánh giá %(year)s – %(subject)s") % {"year": self.year, "subject": self.subject}

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED

    @property
    def is_frozen(self) -> bool:
        """Published or closed: the period's figures are final and read-only everywhere."""
        return self.status in FROZEN_STATUSES

    @property
    def is_self_locked(self) -> bool:
        return self.self_locked_at is not None

    def previous(self):
        """The same subject's latest earlier period (its framework may be another version:
        scorecards.services.lineage joins the two)."""
        return (
            EvaluationPeriod.objects.filter(subject_id=self.subject_id, year__lt=self.year)
            .select_related("framework", "subject__province", "sipas_questionnaire").order_by("-year").first()
        )

    def clean(self):
        errors = {}
        if self.framework_id and self.year and not self.framework.covers(self.year):
            errors["framework"] = _("Bộ chỉ số %(fw)s áp dụng cho năm %(years)s, không phải năm %(year)s.") % {
                "fw": self.framework, "years": self.framework.years_label, "year": self.year}
        if self.sipas_questionnaire_id and self.year and not self.sipas_questionnaire.covers(self.year):
            errors["sipas_questionnaire"] = _("Bộ câu hỏi SIPAS %(q)s áp dụng cho năm %(years)s, không phải năm %(year)s.") % {
                "q": self.sipas_questionnaire, "years": self.sipas_questionnaire.years_label, "year": self.year}
        if self.baseline == Baseline.PREDECESSOR and not self.baseline_province_id:
            errors["baseline_province"] = _("Chọn tỉnh cũ dùng để so sánh.")
        if self.baseline != Baseline.PREDECESSOR and self.baseline_province_id:
            errors["baseline_province"] = _("Chỉ chọn tỉnh cũ khi so sánh với một tỉnh trước sáp nhập.")
        if self.baseline in (Baseline.PREDECESSOR, Baseline.AVERAGE) and self.subject_id:
            province = self.subject.province
            predecessors = set(province.predecessors.values_list("pk", flat=True)) if province else set()
            if not predecessors:
                errors["baseline"] = _("Đối tượng đánh giá không phải tỉnh hình thành do sáp nhập: không có tỉnh cũ để so sánh.")
            elif self.baseline_province_id and self.baseline_province_id not in predecessors:
                errors["baseline_province"] = _("%(p)s không phải tỉnh trước sáp nhập của %(q)s.") % {
                    "p": self.baseline_province, "q": province}
        if errors:
            raise ValidationError(errors)

    def frozen_message(self) -> str:
        """Why nothing of this period can change (a Vietnamese sentence)."""
        if self.round_id:
            if self.is_closed:
                return _("Đợt đánh giá năm %(year)s đã đóng: không thể thay đổi dữ liệu.") % {"year": self.year}
            return _("Đợt đánh giá năm %(year)s đã công bố: dữ liệu chỉ để xem. Muốn sửa, Sở Nội vụ đưa đợt về giai đoạn "
                     "thẩm định (ghi lý do) tại bảng tiến độ của đợt.") % {"year": self.year}
        if self.is_closed:
            return _("Kỳ đánh giá năm %(year)s đã đóng: không thể thay đổi dữ liệu.") % {"year": self.year}
        return _(
            "Kỳ đánh giá năm %(year)s đã công bố: dữ liệu chỉ để xem. Muốn sửa, Sở Nội vụ đưa kỳ về giai đoạn "
            "thẩm định (ghi lý do) tại bảng tiến độ."
        ) % {"year": self.year}

    def ensure_writable(self):
        """Raise ValidationError when the period is published or closed (FROZEN_STATUSES)."""
        if self.is_frozen:
            raise ValidationError(self.frozen_message())


class AssignmentQuerySet(models.QuerySet):
    def for_agency(self, agency_id):
        """Assignments an agency leads or supports."""
        return self.filter(models.Q(lead_agency_id=agency_id) | models.Q(supporting_agencies=agency_id))


class Assignment(models.Model):
    """Who answers for a criterion in a period: one lead agency, any supporting agencies."""

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="assignments")
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.CASCADE, related_name="assignments")
    lead_agency = models.ForeignKey(Agency, verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="lead_assignments")
    supporting_agencies = models.ManyToManyField(Agency, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="supporting_assignments")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân công")
        verbose_name_plural = _("phân công")
        ordering = ["period", "criterion__sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "criterion"], name="assignment_unique_period_criterion",
                violation_error_message=_("Tiêu chí này đã được phân công trong kỳ đánh giá."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion.code} → {self.lead_agency}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._sync_scores(self.lead_agency_id)

    def delete(self, *args, **kwargs):
        self._sync_scores(None)
        return super().delete(*args, **kwargs)

    def _sync_scores(self, agency_id):
        """Keep Score.responsible_agency equal to the lead agency (the one rule of who answers)."""
        from .scores import Score

        # update(): responsible_agency is not in the score's field history (it is derived
        # from this assignment, whose own changes are audited), so no history is skipped.
        Score.objects.filter(period_id=self.period_id, criterion_id=self.criterion_id).update(
            responsible_agency_id=agency_id)

    def clean(self):
        errors = {}
        if self.criterion_id and self.period_id and self.criterion.framework_id != self.period.framework_id:
            errors["criterion"] = _("Tiêu chí không thuộc bộ chỉ số của kỳ đánh giá.")
        elif self.criterion_id and self.criterion.children.exists():
            errors["criterion"] = _("Chỉ phân công tiêu chí được chấm điểm (tiêu chí không có tiêu chí con).")
        if self.lead_agency_id and self.period_id and not self.lead_agency.answers_for(self.period.year):
            successor = self.lead_agency.successor_in(self.period.year)
            errors["lead_agency"] = _("%(agency)s đã kết thúc hoạt động, không chịu trách nhiệm năm %(year)s%(hint)s.") % {
                "agency": self.lead_agency, "year": self.period.year,
                "hint": _("; đơn vị tiếp nhận: %(s)s") % {"s": successor} if successor.pk != self.lead_agency_id else ""}
        if errors:
            raise ValidationError(errors)


class AgencyException(models.Model):
    """Sở Nội vụ lets one agency write after the deadline (or in a locked state) until `until`."""

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="exceptions")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan, đơn vị"), on_delete=models.CASCADE, related_name="exceptions")
    until = models.DateTimeField(_("được sửa đến"))
    reason = models.CharField(_("lý do"), max_length=500)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cho phép"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ngoại lệ thời hạn")
        verbose_name_plural = _("ngoại lệ thời hạn")
        ordering = ["period", "agency", "-until"]

    def __str__(self):
        return f"{self.agency} → {self.until:%d/%m/%Y %H:%M}"
