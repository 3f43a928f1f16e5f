from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from scorecards.choices import ONE_TO_ONE_LINEAGES, Lineage
from scorecards.formatting import fmt_points
from scorecards.text import code_sort_key, fold

POINTS = {"max_digits": 7, "decimal_places": 3}


class ScoringSource(models.TextChoices):
    """How a leaf criterion gets its points (the three channels of the PAR Index)."""

    EVIDENCE = "evidence", _("Tài liệu kiểm chứng")
    MONITORING = "monitoring", _("Theo dõi của Văn phòng Chính phủ")
    SURVEY = "survey", _("Điều tra xã hội học lãnh đạo, quản lý")
    SIPAS = "sipas", _("Quy đổi từ Chỉ số SIPAS")

    @classmethod
    def self_assessed(cls) -> set[str]:
        # Survey-based points come from the Ministry's surveys: nobody self-assesses them.
        return {cls.EVIDENCE, cls.MONITORING}


class VersionedQuerySet(models.QuerySet):
    def for_year(self, year: int):
        """Versions whose years cover `year` (year_to empty: still in force)."""
        return self.filter(Q(year_from__isnull=True) | Q(year_from__lte=year), Q(year_to__isnull=True) | Q(year_to__gte=year))


class Version(models.Model):
    """A version of a framework or questionnaire for a year or a range of years.

    The next year's version names this one as `previous`; each of its nodes can name its
    counterparts here, and every comparison across years goes through those links. Once a
    period that uses a version is published, the version never changes (services.records).
    """

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    year_from = models.PositiveIntegerField(_("áp dụng từ năm"), null=True, blank=True)
    year_to = models.PositiveIntegerField(_("áp dụng đến năm"), null=True, blank=True, help_text=_("Để trống: đang áp dụng."))

    objects = VersionedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def years_label(self) -> str:
        if self.year_from and self.year_to:
            return f"{self.year_from}–{self.year_to}" if self.year_to != self.year_from else str(self.year_from)
        if self.year_from:
            return _("từ %(year)s") % {"year": self.year_from}
        return ""

    def covers(self, year: int) -> bool:
        return (self.year_from is None or self.year_from <= year) and (self.year_to is None or year <= self.year_to)

    def clean(self):
        if self.year_from and self.year_to and self.year_to < self.year_from:
            raise ValidationError({"year_to": _("Năm kết thúc phải từ năm bắt đầu trở đi.")})
        previous = getattr(self, "previous", None)
        if previous is not None:
            if self.pk and previous.pk == self.pk:
                raise ValidationError({"previous": _("Một phiên bản không thể là phiên bản trước của chính nó.")})
            if previous.year_from and self.year_from and previous.year_from >= self.year_from:
                raise ValidationError({"previous": _("Phiên bản trước phải áp dụng từ một năm sớm hơn.")})


class Framework(Version):
    """A scoring framework version (bộ chỉ số): a tree of criteria with maxima adding to total_points."""

    total_points = models.DecimalField(_("tổng điểm"), **POINTS, default=Decimal("100"))
    previous = models.ForeignKey(
        "self", verbose_name=_("phiên bản năm trước"), null=True, blank=True, on_delete=models.PROTECT, related_name="next_versions",
        help_text=_("Bộ chỉ số mà các tiêu chí của phiên bản này đối chiếu khi so sánh với năm trước."),
    )

    class Meta:
        verbose_name = _("bộ chỉ số")
        verbose_name_plural = _("bộ chỉ số")
        ordering = ["-year_from", "code"]

    def clean(self):
        super().clean()
        if self.pk:
            # The criteria's counterparts are nodes of the previous version: changing it
            # would leave them pointing at another year's framework.
            stray = (Criterion.objects.filter(successors__framework_id=self.pk)
                     .exclude(framework_id=self.previous_id).select_related("framework").first())
            if stray is not None:
                raise ValidationError({"previous": _(
                    "Các tiêu chí của bộ chỉ số này đang khai báo tương ứng với tiêu chí của “%(other)s”: bỏ các khai "
                    "báo đó trước khi đổi phiên bản năm trước.") % {"other": stray.framework}})
            fields_total = Criterion.objects.filter(framework_id=self.pk, parent__isnull=True).aggregate(s=Sum("max_points"))["s"]
            if fields_total is not None and self.total_points is not None and fields_total != self.total_points:
                raise ValidationError({"total_points": _(
                    "Tổng điểm tối đa các lĩnh vực của bộ chỉ số là %(sum)s, khác tổng điểm %(total)s.") % {
                    "sum": fmt_points(fields_total), "total": fmt_points(self.total_points)}})


class CriterionQuerySet(models.QuerySet):
    def leaves(self):
        return self.filter(children__isnull=True)

    def search(self, query: str):
        return self.filter(search_text__contains=fold(query)) if query else self


class Criterion(models.Model):
    """A node of a framework: field (lĩnh vực), criterion (tiêu chí) or sub-criterion (TCTP).

    Codes ("1", "1.3", "7.3.6") are unique within a framework. Across years nodes are
    joined by `predecessors` (nodes of `framework.previous`) and `lineage`, never by equal
    codes (scorecards.services.lineage). Only leaves carry scores; a parent's maximum is the
    sum of its children's (check_framework reports any parent where it is not).
    """

    class Level(models.IntegerChoices):
        FIELD = 1, _("Lĩnh vực")
        CRITERION = 2, _("Tiêu chí")
        SUB_CRITERION = 3, _("Tiêu chí thành phần")

    framework = models.ForeignKey(Framework, verbose_name=_("bộ chỉ số"), on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", verbose_name=_("thuộc"), null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=500)
    max_points = models.DecimalField(_("điểm tối đa"), **POINTS)
    scoring_source = models.CharField(_("nguồn điểm"), max_length=20, choices=ScoringSource.choices, default=ScoringSource.EVIDENCE)
    guide = models.TextField(_("hướng dẫn chấm điểm"), blank=True)
    is_placeholder = models.BooleanField(
        _("dòng gộp"), default=False,
        help_text=_("Dòng gộp thay cho các tiêu chí chưa nhập chi tiết, để tổng điểm lĩnh vực đủ."),
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    lineage = models.CharField(
        _("so với năm trước"), max_length=10, choices=Lineage.choices, blank=True,
        help_text=_("Để trống khi bộ chỉ số không có phiên bản năm trước."),
    )
    predecessors = models.ManyToManyField(
        "self", verbose_name=_("tương ứng năm trước"), symmetrical=False, blank=True, related_name="successors",
        help_text=_("Tiêu chí của phiên bản năm trước mà tiêu chí này thay thế."),
    )
    level = models.PositiveSmallIntegerField(_("cấp"), choices=Level.choices, default=Level.FIELD, editable=False)
    sort_key = models.CharField(max_length=80, editable=False, db_index=True, default="")
    search_text = models.CharField(max_length=600, editable=False, default="")

    objects = CriterionQuerySet.as_manager()

    class Meta:
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        ordering = ["framework", "sort_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="criterion_code_unique_in_framework",
                violation_error_message=_("Mã tiêu chí đã có trong bộ chỉ số này."),
            ),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="criterion_max_points_not_negative",
                violation_error_message=_("Điểm tối đa không được âm."),
            ),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"

    def save(self, *args, **kwargs):
        self.level = min(self.parent.level + 1, 3) if self.parent_id else 1
        self.sort_key = code_sort_key(self.code)
        self.search_text = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)

    def clean(self):
        if self.parent_id:
            if self.parent.framework_id != self.framework_id:
                raise ValidationError({"parent": _("Tiêu chí cha phải thuộc cùng bộ chỉ số.")})
            siblings = self.parent.children.exclude(pk=self.pk).aggregate(s=Sum("max_points"))["s"] or Decimal(0)
            total = siblings + (self.max_points or 0)
            if total > self.parent.max_points:
                raise ValidationError({"max_points": _(
                    "Tổng điểm tối đa các tiêu chí con của %(parent)s là %(total)s, vượt điểm tối đa "
                    "%(max)s của %(parent)s."
                ) % {"parent": self.parent.code, "total": fmt_points(total), "max": fmt_points(self.parent.max_points)}})
        if self.lineage and self.framework_id and not self.framework.previous_id:
            raise ValidationError({"lineage": _(
                "Bộ chỉ số “%(framework)s” chưa khai báo phiên bản năm trước: để trống “so với năm trước”.") % {
                "framework": self.framework}})

    def clean_m2m(self, values: dict) -> None:
        """Check many-to-many values about to be set ({name: objects}; a name left out keeps
        the stored value). Called by services.records.save_record after full_clean()."""
        predecessors = values.get("predecessors")
        if predecessors is None:
            predecessors = list(self.predecessors.select_related("framework")) if self.pk else []
        self.clean_predecessors(list(predecessors))

    def clean_predecessors(self, predecessors: list) -> None:
        """The counterparts named (`predecessors`) against the framework's previous version
        and the lineage: same, renamed, moved and split name exactly one, merged two or more,
        new and undeclared none."""
        previous_id = self.framework.previous_id if self.framework_id else None
        for other in predecessors:
            if previous_id is None:
                raise ValidationError({"predecessors": _(
                    "Bộ chỉ số “%(framework)s” chưa khai báo phiên bản năm trước: không chọn được tiêu chí tương ứng.") % {
                    "framework": self.framework}})
            if other.framework_id != previous_id:
                raise ValidationError({"predecessors": _(
                    "Tiêu chí %(code)s thuộc bộ chỉ số “%(other)s”, không phải phiên bản năm trước “%(previous)s” "
                    "của bộ chỉ số này.") % {"code": other.code, "other": other.framework, "previous": self.framework.previous}})
        n = len(predecessors)
        kind = Lineage(self.lineage).label if self.lineage else ""
        if (self.lineage in ONE_TO_ONE_LINEAGES or self.lineage == Lineage.SPLIT) and n != 1:
            raise ValidationError({"predecessors": _(
                "“%(kind)s” cần đúng một tiêu chí tương ứng năm trước (đang chọn %(n)s).") % {"kind": kind, "n": n}})
        if self.lineage == Lineage.MERGED and n < 2:
            raise ValidationError({"predecessors": _(
                "“%(kind)s” cần ít nhất hai tiêu chí tương ứng năm trước (đang chọn %(n)s).") % {"kind": kind, "n": n}})
        if self.lineage == Lineage.NEW and n:
            raise ValidationError({"predecessors": _(
                "Tiêu chí mới không có tiêu chí tương ứng năm trước: bỏ chọn %(codes)s hoặc chọn cách tương ứng khác.") % {
                "codes": ", ".join(o.code for o in predecessors)}})
        if not self.lineage and n:
            raise ValidationError({"lineage": _(
                "Chọn “so với năm trước” (giữ nguyên, đổi tên, chuyển, tách, gộp) cho tiêu chí tương ứng đã chọn.")})
        if n and self.framework_id:
            # A counterpart named one to one is this node's alone; a node split into several
            # is named by each part as "split".
            one_to_one = self.lineage in ONE_TO_ONE_LINEAGES
            # Nodes whose counterparts one import rewrites together (two fields swapping codes)
            # are checked by the import against the framework as it will be, not as it is now.
            rewriting = getattr(self, "_rewriting_counterparts", ())
            for other in (Criterion.objects.filter(framework_id=self.framework_id, predecessors__in=predecessors)
                          .exclude(pk=self.pk).exclude(pk__in=rewriting)
                          .prefetch_related("predecessors").distinct().order_by("sort_key")):
                if one_to_one or other.lineage in ONE_TO_ONE_LINEAGES:
                    shared = sorted({p.code for p in other.predecessors.all()} & {p.code for p in predecessors})
                    raise ValidationError({"predecessors": _(
                        "Tiêu chí %(old)s của năm trước đã là tương ứng của tiêu chí %(other)s (“%(kind)s”): mỗi tiêu chí "
                        "năm trước chỉ tương ứng một-một với một tiêu chí. Khi tiêu chí cũ tách thành nhiều tiêu chí, "
                        "chọn “%(split)s” cho từng tiêu chí mới.") % {
                        "old": ", ".join(shared), "other": other.code,
                        "kind": Lineage(other.lineage).label if other.lineage else _("chưa khai báo"),
                        "split": Lineage.SPLIT.label}})

    @property
    def field_code(self) -> str:
        return self.code.split(".")[0]

    @property
    def is_self_assessed(self) -> bool:
        return self.scoring_source in ScoringSource.self_assessed()
