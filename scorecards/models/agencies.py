from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.text import fold


class Agency(models.Model):
    """A government body: a lead agency that scores criteria, or the subject being scored."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        DISTRICT = "district", _("UBND cấp huyện")
        COMMUNE = "commune", _("UBND cấp xã (xã, phường, đặc khu)")
        CENTRAL = "central", _("Cơ quan Trung ương trên địa bàn")
        SERVICE_UNIT = "service_unit", _("Đơn vị sự nghiệp")
        OFFICE = "office", _("Văn phòng")
        PROVINCE = "province", _("Tỉnh (đối tượng đánh giá)")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    province = models.ForeignKey(
        "scorecards.Province", verbose_name=_("tỉnh, thành phố"), null=True, blank=True,
        on_delete=models.PROTECT, help_text=_("Chỉ dùng cho đối tượng đánh giá cấp tỉnh."),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    started_on = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    ended_on = models.DateField(_("kết thúc hoạt động ngày"), null=True, blank=True, help_text=_("Ngày cuối cùng hoạt động (trước khi hợp nhất, giải thể)."))
    successor = models.ForeignKey(
        "self", verbose_name=_("đơn vị tiếp nhận nhiệm vụ"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="predecessors", help_text=_("Đơn vị nhận lại nhiệm vụ khi đơn vị này kết thúc: phân công năm sau chuyển sang đơn vị đó."),
    )
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    search_text = models.CharField(max_length=400, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["order", "name", "pk"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{self.code} {self.name} {self.short_name}")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("Ngày kết thúc phải sau ngày bắt đầu hoạt động.")
        if self.successor_id and self.pk and self.successor_id == self.pk:
            errors["successor"] = _("Một đơn vị không thể tiếp nhận nhiệm vụ của chính nó.")
        if self.successor_id and not self.ended_on:
            errors["ended_on"] = _("Ghi ngày kết thúc hoạt động khi chọn đơn vị tiếp nhận nhiệm vụ.")
        if self.successor_id and self.pk and "successor" not in errors:
            node, seen = self.successor, set()
            while node is not None and node.pk not in seen:
                if node.pk == self.pk:
                    errors["successor"] = _("Vòng lặp: %(s)s (hoặc đơn vị tiếp nhận của nó) đã nhận nhiệm vụ từ đơn vị này.") % {
                        "s": self.successor}
                    break
                seen.add(node.pk)
                node = node.successor
        if self.successor_id and self.ended_on and self.successor.ended_on and self.successor.ended_on < self.ended_on:
            errors["successor"] = _("%(s)s kết thúc hoạt động trước đơn vị này: không thể tiếp nhận nhiệm vụ.") % {"s": self.successor}
        if errors:
            raise ValidationError(errors)

    def active_in(self, year: int) -> bool:
        """True when the agency worked at some time during `year`."""
        return (self.started_on is None or self.started_on.year <= year) and (self.ended_on is None or self.ended_on.year >= year)

    def answers_for(self, year: int) -> bool:
        """Still in place when `year`'s work is assessed (after 31/12 of that year)."""
        return self.ended_on is None or (self.ended_on.year, self.ended_on.month, self.ended_on.day) >= (year, 12, 31)

    def successor_in(self, year: int) -> "Agency":
        """The agency that answers for this one's work of `year`: itself, or the end of its
        successor chain (Sở Kế hoạch và Đầu tư → Sở Tài chính for 2025).

        A year's work is assessed after the year ends, so an agency that ended during the
        year (28/02/2025) hands that year to its successor; one ending on 31/12 keeps it.
        """
        agency, seen = self, {self.pk}
        while not agency.answers_for(year) and agency.successor_id and agency.successor_id not in seen:
            agency = agency.successor
            seen.add(agency.pk)
        return agency


class User(AbstractUser):
    """A person who logs in; belongs to at most one agency (agency staff) or none."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
