from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.text import fold


class Agency(models.Model):
    """A government body: a lead agency that scores criteria, or the subject being scored."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        DISTRICT = "district", _("UBND cấp huyện")
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


class User(AbstractUser):
    """A person who logs in; belongs to at most one agency (agency staff) or none."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
