from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scorecards.text import fold

from .frameworks import POINTS
from .sipas import PERCENT


class Province(models.Model):
    """A province or centrally-run city, as ranked by the Ministry (63 until 2024, 34 from 2025).

    Provinces have a life: a province formed by the mergers of 1/7/2025 (Nghị quyết
    202/2025/QH15) is a new row, valid from that day, naming its predecessors; a province
    that was not merged (Điện Biên) keeps its row.
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=120)
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True, help_text=_("Ngày cuối cùng trước khi sáp nhập."))
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("hình thành từ các tỉnh"), symmetrical=False, blank=True, related_name="successors",
    )
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

    def clean(self):
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.")})

    def clean_m2m(self, values: dict) -> None:
        """Predecessors (services.records.save_record): never itself or one of its own
        successors (a loop), never a province that began after this one."""
        predecessors = list(values.get("predecessors", []))
        if not predecessors:
            return
        later = set()
        frontier = {self.pk} if self.pk else set()
        while frontier:  # every province formed, directly or not, from this one
            frontier = set(Province.predecessors.through.objects.filter(to_province_id__in=frontier)
                           .values_list("from_province_id", flat=True)) - later
            later |= frontier
        for p in predecessors:
            if p.pk == self.pk or p.pk in later:
                raise ValidationError({"predecessors": _("Vòng lặp: %(p)s được hình thành từ tỉnh này, không thể là tỉnh trước "
                                                         "sáp nhập của nó.") % {"p": p}})
            if self.valid_from and p.valid_from and p.valid_from > self.valid_from:
                raise ValidationError({"predecessors": _("%(p)s bắt đầu hiệu lực sau tỉnh này: không thể là tỉnh trước sáp nhập.") % {
                    "p": p}})


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
    # Required, never defaulted: 63 provinces were ranked until 2024, 34 from 2025; a rank
    # is meaningless without its base (the report prints "5/34", never a bare 5).
    ranked_count = models.PositiveIntegerField(_("số địa phương được xếp hạng"))
    decision = models.CharField(_("quyết định công bố"), max_length=255, blank=True)
    is_illustrative = models.BooleanField(
        _("số liệu minh họa"), default=False, help_text=_("Không phải kết quả Bộ Nội vụ công bố: trang và báo cáo ghi rõ."))

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
                violation_error_message=_("Chỉ số SIPAS phải từ 0 đến 100%%."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.province}"

    def clean(self):
        errors = {}
        if self.ranked_count is not None and self.ranked_count < 1:
            errors["ranked_count"] = _("Số địa phương được xếp hạng phải từ 1 trở lên.")
        for rank_field in ("par_rank", "sipas_rank"):
            rank = getattr(self, rank_field)
            if rank and self.ranked_count and rank > self.ranked_count:
                errors[rank_field] = _("Thứ hạng %(rank)s lớn hơn số địa phương được xếp hạng (%(count)s).") % {
                    "rank": rank, "count": self.ranked_count}
        if self.year and self.ranked_count:
            other = (NationalResult.objects.filter(year=self.year).exclude(pk=self.pk)
                     .exclude(ranked_count=self.ranked_count).values_list("ranked_count", flat=True).first())
            if other:
                errors["ranked_count"] = _(
                    "Năm %(year)s đã có kết quả xếp hạng trên %(other)s địa phương; mọi kết quả của một năm dùng cùng "
                    "số địa phương được xếp hạng.") % {"year": self.year, "other": other}
        if errors:
            raise ValidationError(errors)
