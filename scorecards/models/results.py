from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scorecards.text import fold

from .frameworks import POINTS
from .sipas import PERCENT


class Province(models.Model):
    """A province or centrally-run city, as ranked by the Ministry (63 in 2024)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    search_text = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        verbose_name = _("tỉnh, thành phố")
        verbose_name_plural = _("tỉnh, thành phố")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)


class NationalResult(models.Model):
    """Published results of one province in one year: PAR Index and SIPAS, with ranks.

    The single place for published figures: the subject's period reads its own from here,
    the history series (2012 on) and the comparison with other provinces too.
    """

    year = models.PositiveIntegerField(_("năm"))
    province = models.ForeignKey(Province, verbose_name=_("tỉnh, thành phố"), on_delete=models.PROTECT, related_name="results")
    par_score = models.DecimalField(_("điểm Chỉ số CCHC"), **POINTS, null=True, blank=True)
    par_rank = models.PositiveIntegerField(_("xếp hạng Chỉ số CCHC"), null=True, blank=True)
    sipas_pct = models.DecimalField(_("Chỉ số SIPAS (%)"), **PERCENT, null=True, blank=True)
    sipas_rank = models.PositiveIntegerField(_("xếp hạng SIPAS"), null=True, blank=True)
    ranked_count = models.PositiveIntegerField(_("số địa phương được xếp hạng"), default=63)
    decision = models.CharField(_("quyết định công bố"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kết quả công bố")
        verbose_name_plural = _("kết quả công bố")
        ordering = ["-year", "par_rank", "province__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province"], name="national_result_unique_year_province",
                violation_error_message=_("Tỉnh này đã có kết quả công bố trong năm."),
            ),
            models.CheckConstraint(
                condition=Q(par_score__gte=0, par_score__lte=100) | Q(par_score__isnull=True),
                name="national_result_par_score_range",
                violation_error_message=_("Điểm Chỉ số CCHC phải từ 0 đến 100."),
            ),
            models.CheckConstraint(
                condition=Q(sipas_pct__gte=0, sipas_pct__lte=100) | Q(sipas_pct__isnull=True),
                name="national_result_sipas_range",
                violation_error_message=_("Chỉ số SIPAS phải từ 0 đến 100%."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.province}"
