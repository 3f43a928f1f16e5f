from django.db import models
from django.utils.translation import gettext_lazy as _

from scorecards.models import EvaluationPeriod


class ReportRecord(models.Model):
    """The staff-written parts of one period's analysis report (số, ngày, người ký, nơi nhận…).

    Every figure of the report is computed from the scorecard and the published results;
    only what a person writes or decides lives here. Text fields take plain paragraphs
    separated by a blank line; a line starting with "- " is a list item, "## " a
    sub-heading, and a paragraph may open with an italic lead such as "*Một là*, …".
    """

    period = models.OneToOneField(EvaluationPeriod, verbose_name=_("kỳ đánh giá"), on_delete=models.CASCADE, related_name="report_record")
    number = models.CharField(_("số văn bản"), max_length=40, blank=True, help_text=_("Ví dụ: 661/BC-SNV"))
    place = models.CharField(_("địa danh"), max_length=80, blank=True, help_text=_("Ví dụ: Điện Biên"))
    date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    parent_body = models.CharField(_("cơ quan chủ quản"), max_length=120, blank=True, help_text=_("Ví dụ: UBND TỈNH ĐIỆN BIÊN"))
    issuer = models.CharField(_("cơ quan ban hành"), max_length=120, blank=True, help_text=_("Ví dụ: SỞ NỘI VỤ"))
    issuer_role = models.CharField(
        _("cơ quan báo cáo (trong đoạn mở đầu)"), max_length=255, blank=True,
        help_text=_("Ví dụ: Sở Nội vụ - Cơ quan thường trực BCĐ CCHC Nhà nước tỉnh"),
    )
    area_name = models.CharField(_("tên địa phương"), max_length=120, blank=True, help_text=_("Ví dụ: tỉnh Điện Biên"))
    published_decision = models.CharField(
        _("quyết định công bố kết quả"), max_length=255, blank=True,
        help_text=_("Để trống thì dùng quyết định công bố ghi ở kỳ đánh giá."),
    )
    sipas_method = models.TextField(_("I.1. Tổng quan về SIPAS (phương pháp khảo sát)"), blank=True)
    sipas_commentary = models.TextField(_("I.3. Nhận xét sau bảng kết quả SIPAS"), blank=True)
    self_assessment_work = models.TextField(_("II.1. Công tác tự đánh giá, chấm điểm"), blank=True)
    self_assessment_after = models.TextField(_("II.1. Đoạn sau tổng điểm tự đánh giá"), blank=True)
    solutions = models.TextField(_("II.4. Giải pháp"), blank=True)
    recommendations = models.TextField(_("II.5. Kiến nghị, đề xuất"), blank=True)
    closing = models.TextField(_("câu kết"), blank=True, help_text=_("Để trống thì dùng câu kết theo trích yếu."))
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120, blank=True, help_text=_("Ví dụ: GIÁM ĐỐC"))
    signer_name = models.CharField(_("họ tên người ký"), max_length=120, blank=True)
    recipients = models.TextField(_("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận; dòng cuối: Lưu: VT, CCHC."))

    class Meta:
        verbose_name = _("báo cáo phân tích")
        verbose_name_plural = _("báo cáo phân tích")
        ordering = ["-period__year", "pk"]

    def __str__(self):
        return _("Báo cáo phân tích năm %(year)s") % {"year": self.period.year}

    @property
    def recipient_lines(self) -> list[str]:
        return [line.strip().lstrip("-").strip().rstrip(";.").strip() for line in self.recipients.splitlines() if line.strip()]
