"""The improvement plan (kế hoạch khắc phục) of a period: who wins back which lost points by when.

An item answers a loss of `period` (the year whose figures it acts on) and is followed up
in the next year's period (reports.services.plan_followup). Its writes go through one door,
scorecards.services.improvement (rights, versions, audit); this module holds the rows and
the one rule of lateness (`ImprovementItem.is_late`, `ImprovementItemQuerySet.late`).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .agencies import Agency
from .frameworks import POINTS, Criterion
from .periods import EvaluationPeriod


class PlanStatus(models.TextChoices):
    """Where an improvement item stands, as its responsible agency reports it."""

    NOT_STARTED = "not_started", _("Chưa thực hiện")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Đã hoàn thành")
    FAILED = "failed", _("Không thực hiện được")

    @classmethod
    def open(cls) -> frozenset:
        """Statuses of an item still owed: it is late once its deadline has passed."""
        return frozenset({cls.NOT_STARTED, cls.IN_PROGRESS})


class ImprovementItemQuerySet(models.QuerySet):
    def late(self, today: dt.date | None = None):
        """Items whose deadline is before `today` (default: the local date) and still open."""
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today, status__in=PlanStatus.open())

    def for_agency(self, agency_id: int | None):
        """The items an agency answers for (None: every item)."""
        return self if agency_id is None else self.filter(agency_id=agency_id)


class ImprovementItem(models.Model):
    """One commitment of the plan: raise `criterion` to `target_points` next year.

    `period` is the year whose losses the item answers (criterion of that period's
    framework); `agency` answers for it (the score's lead agency by default); `version` is
    the optimistic lock, as on Score.
    """

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE,
                               related_name="improvement_items")
    criterion = models.ForeignKey(Criterion, verbose_name=_("tiêu chí"), on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT,
                               related_name="improvement_items")
    target_points = models.DecimalField(_("điểm mục tiêu"), **POINTS,
                                        help_text=_("Điểm tiêu chí cần đạt ở năm sau (không vượt điểm tối đa)."))
    actions = models.TextField(_("nhiệm vụ, giải pháp"))
    deadline = models.DateField(_("thời hạn hoàn thành"))
    status = models.CharField(_("tiến độ"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.NOT_STARTED)
    progress_note = models.TextField(_("kết quả thực hiện"), blank=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người cập nhật"), null=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    objects = ImprovementItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("nhiệm vụ khắc phục")
        verbose_name_plural = _("kế hoạch khắc phục")
        ordering = ["period", "criterion__sort_key", "agency__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "criterion", "agency"], name="improvement_unique_period_criterion_agency",
                violation_error_message=_("Cơ quan này đã có nhiệm vụ khắc phục cho tiêu chí này trong kế hoạch."),
            ),
            models.CheckConstraint(
                condition=Q(target_points__gte=0), name="improvement_target_not_negative",
                violation_error_message=_("Điểm mục tiêu không được âm."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="improvement_status_known",
                violation_error_message=_("Tiến độ không hợp lệ."),
            ),
        ]

    def __str__(self):
        return _("%(year)s · %(code)s · %(agency)s") % {
            "year": self.period.year, "code": self.criterion.code, "agency": self.agency}

    def is_late(self, today: dt.date | None = None) -> bool:
        """Late: the deadline has passed (before `today`, default the local date) and the
        item is still open (not done, not declared impossible). The one rule of lateness."""
        today = today or timezone.localdate()
        return self.status in PlanStatus.open() and self.deadline < today


def plan_upload_to(instance, filename):
    # Random name on disk (as evidence); the cleaned original name is kept in original_name.
    import uuid

    return f"plans/{instance.item.period.year}/{uuid.uuid4().hex}"


class ImprovementUpdate(models.Model):
    """A progress report on an item (status, note, optional evidence file); the history."""

    item = models.ForeignKey(ImprovementItem, verbose_name=_("nhiệm vụ khắc phục"), on_delete=models.CASCADE,
                             related_name="updates")
    status = models.CharField(_("tiến độ"), max_length=20, choices=PlanStatus.choices)
    note = models.TextField(_("kết quả thực hiện"), blank=True)
    file = models.FileField(_("tài liệu kiểm chứng"), upload_to=plan_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("tên tệp gốc"), max_length=255, blank=True)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), null=True,
                               on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(_("tên người báo cáo"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("báo cáo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ khắc phục")
        verbose_name_plural = _("báo cáo tiến độ khắc phục")
        ordering = ["item", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="improvement_update_status_known",
                violation_error_message=_("Tiến độ không hợp lệ."),
            ),
        ]

    def __str__(self):
        return f"{self.item} · {self.get_status_display()}"

    @property
    def has_file(self) -> bool:
        return bool(self.file)
