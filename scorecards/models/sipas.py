from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .frameworks import Version
from .periods import EvaluationPeriod

PERCENT = {"max_digits": 5, "decimal_places": 2}


class SipasQuestionnaire(Version):
    """A version of the SIPAS questionnaire (sections, groups, indicators) for a year or years.

    Each period names the version it was surveyed with; adding an indicator to a new version
    never changes another year's report. Indicators name their counterpart in `previous`.
    """

    previous = models.ForeignKey(
        "self", verbose_name=_("phiên bản năm trước"), null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
    )

    class Meta:
        verbose_name = _("bộ câu hỏi SIPAS")
        verbose_name_plural = _("bộ câu hỏi SIPAS")
        ordering = ["-year_from", "code"]


class SipasSection(models.Model):
    """Section I (policy) or II (public service delivery) of a SIPAS questionnaire."""

    questionnaire = models.ForeignKey(SipasQuestionnaire, verbose_name=_("bộ câu hỏi"), on_delete=models.CASCADE, related_name="sections")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("phần SIPAS")
        verbose_name_plural = _("phần SIPAS")
        ordering = ["questionnaire", "order", "code"]
        constraints = [models.UniqueConstraint(
            fields=["questionnaire", "code"], name="sipas_section_code_unique",
            violation_error_message=_("Mã phần đã có trong bộ câu hỏi này."))]

    def __str__(self):
        return f"{self.code}. {self.name}"


class SipasGroup(models.Model):
    """A group of SIPAS indicators (A–K; the letters skip F and J, as the Ministry does)."""

    questionnaire = models.ForeignKey(SipasQuestionnaire, verbose_name=_("bộ câu hỏi"), on_delete=models.CASCADE, related_name="groups", editable=False)
    section = models.ForeignKey(SipasSection, verbose_name=_("phần"), on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("mã"), max_length=10)
    name = models.CharField(_("tên"), max_length=255)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhóm tiêu chí SIPAS")
        verbose_name_plural = _("nhóm tiêu chí SIPAS")
        ordering = ["questionnaire", "section__order", "order", "code"]
        constraints = [models.UniqueConstraint(
            fields=["questionnaire", "code"], name="sipas_group_code_unique",
            violation_error_message=_("Mã nhóm đã có trong bộ câu hỏi này."))]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.questionnaire_id = self.section.questionnaire_id  # denormalised for the unique code
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.section_id and self.code and SipasGroup.objects.filter(
                questionnaire_id=self.section.questionnaire_id, code=self.code).exclude(pk=self.pk).exists():
            raise ValidationError({"code": _("Mã nhóm %(code)s đã có trong bộ câu hỏi này.") % {"code": self.code}})


class SipasIndicator(models.Model):
    """An indicator of a questionnaire (39 in 2024), numbered across its groups.

    `previous` is its counterpart in the questionnaire's previous version: the report
    compares an indicator with that one only; without it the indicator is new.
    """

    questionnaire = models.ForeignKey(SipasQuestionnaire, verbose_name=_("bộ câu hỏi"), on_delete=models.CASCADE, related_name="indicators", editable=False)
    group = models.ForeignKey(SipasGroup, verbose_name=_("nhóm"), on_delete=models.CASCADE, related_name="indicators")
    number = models.PositiveIntegerField(_("số thứ tự"))
    text = models.CharField(_("nội dung"), max_length=500)
    previous = models.ForeignKey(
        "self", verbose_name=_("tương ứng năm trước"), null=True, blank=True, on_delete=models.SET_NULL, related_name="successors",
        help_text=_("Tiêu chí SIPAS của bộ câu hỏi năm trước mà tiêu chí này so sánh với."),
    )

    class Meta:
        verbose_name = _("tiêu chí SIPAS")
        verbose_name_plural = _("tiêu chí SIPAS")
        ordering = ["questionnaire", "number"]
        constraints = [models.UniqueConstraint(
            fields=["questionnaire", "number"], name="sipas_indicator_number_unique",
            violation_error_message=_("Số thứ tự này đã có trong bộ câu hỏi."))]

    def __str__(self):
        return f"{self.number}. {self.text}"

    def save(self, *args, **kwargs):
        self.questionnaire_id = self.group.questionnaire_id
        super().save(*args, **kwargs)

    def clean(self):
        from django.core.exceptions import ValidationError

        if not self.group_id:
            return
        questionnaire_id = self.group.questionnaire_id
        others = SipasIndicator.objects.filter(questionnaire_id=questionnaire_id).exclude(pk=self.pk)
        if self.number is not None and others.filter(number=self.number).exists():
            raise ValidationError({"number": _("Số thứ tự %(n)s đã có trong bộ câu hỏi này.") % {"n": self.number}})
        if self.number is not None and self.number < 1:
            raise ValidationError({"number": _("Số thứ tự bắt đầu từ 1.")})
        if self.previous_id:
            wanted = self.group.section.questionnaire.previous_id
            if self.previous.questionnaire_id != wanted:
                raise ValidationError({"previous": _("Tiêu chí tương ứng phải thuộc bộ câu hỏi năm trước của bộ câu hỏi này.")})
            taken = others.filter(previous_id=self.previous_id).first()
            if taken is not None:
                raise ValidationError({"previous": _(
                    "Tiêu chí %(old)s của năm trước đã là tương ứng của tiêu chí %(other)s: mỗi tiêu chí năm trước chỉ so "
                    "sánh với một tiêu chí.") % {"old": self.previous.number, "other": taken.number}})


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
                violation_error_message=_("Tỷ lệ hài lòng phải từ 0 đến 100%%."),
            ),
        ]

    def __str__(self):
        return f"{self.period.year} · {self.indicator.number}: {self.pct}%"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.period_id and self.indicator_id and self.indicator.questionnaire_id != self.period.sipas_questionnaire_id:
            raise ValidationError({"indicator": _("Tiêu chí SIPAS không thuộc bộ câu hỏi của kỳ đánh giá năm %(year)s.") % {
                "year": self.period.year}})


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
                violation_error_message=_("Tỷ lệ phải từ 0 đến 100%%."),
            ),
        ]

    def __str__(self):
        return self.text
