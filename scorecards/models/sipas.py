from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .periods import EvaluationPeriod

PERCENT = {"max_digits": 5, "decimal_places": 2}


class SipasSection(models.Model):
    """Section I (policy) or II (public service delivery) of the SIPAS questionnaire."""

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phần SIPAS")
        verbose_name_plural = _("phần SIPAS")
        ordering = ["order", "code"]

    def __str__(self):
        return f"{self.code}. {self.name}"


class SipasGroup(models.Model):
    """A group of SIPAS indicators (A–K; the letters skip F and J, as the Ministry does)."""

    section = models.ForeignKey(SipasSection, verbose_name=_("phần"), on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm tiêu chí SIPAS")
        verbose_name_plural = _("nhóm tiêu chí SIPAS")
        ordering = ["section__order", "order", "code"]

    def __str__(self):
        return f"{self.code}. {self.name}"


class SipasIndicator(models.Model):
    """One of the 39 SIPAS indicators, numbered 1–39 across groups."""

    group = models.ForeignKey(SipasGroup, verbose_name=_("nhóm"), on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveIntegerField(_("số thứ tự"), unique=True)
    text = models.CharField(_("nội dung"), max_length=500)

    class Meta:
        verbose_name = _("tiêu chí SIPAS")
        verbose_name_plural = _("tiêu chí SIPAS")
        ordering = ["number"]

    def __str__(self):
        return f"{self.number}. {self.text}"


class SipasValue(models.Model):
    """A period's satisfaction percentage for one indicator (82.96 means 82,96%)."""

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="sipas_values")
    indicator = models.ForeignKey(SipasIndicator, verbose_name=_("tiêu chí SIPAS"), on_delete=models.PROTECT, related_name="values")
    pct = models.DecimalField(_("tỷ lệ hài lòng (%)"), **PERCENT)

    class Meta:
        verbose_name = _("kết quả SIPAS")
        verbose_name_plural = _("kết quả SIPAS")
        ordering = ["period", "indicator__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "indicator"], name="sipas_value_unique",
                violation_error_message=_("Tiêu chí SIPAS này đã có kết quả trong kỳ."),
            ),
            models.CheckConstraint(
                condition=Q(pct__gte=0) & Q(pct__lte=100), name="sipas_value_pct_range",
                violation_error_message=_("Tỷ lệ hài lòng phải từ 0 đến 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.period.year} · {self.indicator.number}: {self.pct}%"


class SipasExpectation(models.Model):
    """What citizens want improved, with the share of respondents who said so."""

    period = models.ForeignKey(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="sipas_expectations")
    text = models.CharField(_("nội dung mong muốn"), max_length=500)
    pct = models.DecimalField(_("tỷ lệ (%)"), **PERCENT)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mong muốn của người dân")
        verbose_name_plural = _("mong muốn của người dân")
        ordering = ["period", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pct__gte=0) & Q(pct__lte=100), name="sipas_expectation_pct_range",
                violation_error_message=_("Tỷ lệ phải từ 0 đến 100%."),
            ),
        ]

    def __str__(self):
        return self.text
