"""python manage.py import_data KIND FILE [--year Y | --period ID | --framework CODE | --questionnaire CODE | --round ID]
[--dry-run] [--user NAME]

The kinds of a province's own round (round_subjects, not_applicable, round_appraisal,
round_survey, grade_bands) take --round ID (or --year Y when the year has one round).

Writes as --user (or $CCHC_USER), a Sở Nội vụ officer: the audit log names the real author.

Prints the preview (new rows, changed cells old → new, errors with row and column) and
imports only a file without a single error; exits non-zero, with nothing written, on any.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from scorecards.models import Framework, Round, SipasQuestionnaire, User
from scorecards.services.periods import resolve_period
from scorecards.resources import services
from scorecards.resources import RESOURCES, get_resource


def command_actor(username: str | None, *, required: bool):
    """The app user a command acts as: --user, else $CCHC_USER. Every write has a real author.

    Raises CommandError when a writing command has none, or the name is unknown or inactive.
    """
    import os

    username = username or os.environ.get("CCHC_USER")
    if not username:
        if required:
            raise CommandError(_("Cần --user TÊN_ĐĂNG_NHẬP (hoặc biến môi trường CCHC_USER): mọi thay đổi được ghi "
                                 "nhật ký với người thực hiện."))
        return None
    actor = User.objects.filter(username=username, is_active=True).first()
    if actor is None:
        raise CommandError(_("Không có người dùng “%(name)s” (hoặc tài khoản đã bị khoá).") % {"name": username})
    return actor


def resolve_round(kind, options):
    """The round of --round ID, or the only round of --year; CommandError naming the rounds otherwise."""
    round_id, year = options.get("round"), options.get("year")
    if round_id is not None:
        round_ = Round.objects.filter(pk=round_id).first()
        if round_ is None:
            raise CommandError(_("Không có đợt đánh giá #%(id)s.") % {"id": round_id})
        if year is not None and round_.year != year:
            raise CommandError(_("Đợt đánh giá #%(id)s thuộc năm %(actual)s, không phải năm %(year)s.") % {
                "id": round_id, "actual": round_.year, "year": year})
        return round_
    rounds = list(Round.objects.filter(year=year) if year is not None else Round.objects.all())
    if year is not None and len(rounds) == 1:
        return rounds[0]
    listed = "; ".join(f"#{r.pk} {r.name} ({r.year})" for r in rounds[:10]) or _("chưa có đợt nào")
    if year is not None and not rounds:
        raise CommandError(_("Không có đợt đánh giá nào năm %(year)s.") % {"year": year})
    if year is not None:
        raise CommandError(_("Năm %(year)s có nhiều đợt đánh giá; chọn bằng --round ID. Các đợt: %(rounds)s.") % {
            "year": year, "rounds": listed})
    raise CommandError(_("Loại dữ liệu “%(kind)s” thuộc một đợt đánh giá của tỉnh: cần --round ID. Các đợt: %(rounds)s.") % {
        "kind": kind.slug, "rounds": listed})


def resolve_scope(kind, options):
    if kind.scope_kind == "round":
        return resolve_round(kind, options)
    if options.get("round") is not None:
        raise CommandError(_("--round chỉ dùng cho dữ liệu của đợt đánh giá của tỉnh (%(kinds)s).") % {
            "kinds": ", ".join(slug for slug, r in sorted(RESOURCES.items()) if r.scope_kind == "round")})
    if kind.scope_kind == "period":
        return resolve_period(options.get("year"), options.get("period"))
    if kind.scope_kind == "framework":
        code = options.get("framework")
        if code:
            try:
                return Framework.objects.get(code=code)
            except Framework.DoesNotExist:
                raise CommandError(_("Không có bộ chỉ số mã “%(code)s”.") % {"code": code}) from None
        return resolve_period(options.get("year"), options.get("period")).framework
    if kind.scope_kind == "questionnaire":
        code = options.get("questionnaire")
        if code:
            try:
                return SipasQuestionnaire.objects.get(code=code)
            except SipasQuestionnaire.DoesNotExist:
                raise CommandError(_("Không có bộ câu hỏi SIPAS mã “%(code)s”.") % {"code": code}) from None
        if options.get("year") is None and options.get("period") is None:
            raise CommandError(_("Cần --questionnaire MÃ (hoặc --year, --period: bộ câu hỏi của kỳ đánh giá)."))
        period = resolve_period(options.get("year"), options.get("period"))
        if period.sipas_questionnaire is None:
            raise CommandError(_("Kỳ đánh giá năm %(year)s chưa chọn bộ câu hỏi SIPAS: dùng --questionnaire MÃ.") % {
                "year": period.year})
        return period.sipas_questionnaire
    return None


def add_scope_arguments(parser):
    parser.add_argument("--year", type=int, help=_("Năm của kỳ đánh giá."))
    parser.add_argument("--period", type=int, help=_("Mã số (ID) kỳ đánh giá, khi một năm có nhiều kỳ."))
    parser.add_argument("--framework", help=_("Mã bộ chỉ số (cho tiêu chí)."))
    parser.add_argument("--questionnaire", help=_("Mã bộ câu hỏi SIPAS (cho bộ câu hỏi)."))
    parser.add_argument("--round", type=int, help=_("Mã số (ID) đợt đánh giá của tỉnh (cho đối tượng, tiêu chí không áp "
                                                    "dụng, điểm thẩm định, điểm điều tra, mức xếp loại)."))


class Command(BaseCommand):
    help = _("Nhập dữ liệu từ tệp XLSX/CSV: xem trước, rồi ghi nếu không có lỗi nào.")
    kind_slug = None

    def add_arguments(self, parser):
        if self.kind_slug is None:
            parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file")
        add_scope_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ xem trước, không ghi."))
        parser.add_argument("--user", help=_("Tên đăng nhập của cán bộ Sở Nội vụ nhập dữ liệu (ghi vào nhật ký); "
                                             "mặc định lấy từ biến môi trường CCHC_USER."))
        parser.add_argument("--verbose-unchanged", action="store_true", help=_("In cả các dòng không đổi."))

    def handle(self, *args, **options):
        kind = get_resource(self.kind_slug or options["kind"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path})
        actor = command_actor(options["user"], required=not options["dry_run"])
        scope = resolve_scope(kind, options)
        from django.core.exceptions import PermissionDenied

        try:
            preview = services.run_import(kind.slug, path.read_bytes(), path.name, scope=scope, actor=actor,
                                          dry_run=options["dry_run"])
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        for line in preview.lines(include_unchanged=options["verbose_unchanged"]):
            self.stdout.write(line)
        if not preview.ok:
            raise CommandError(_("Tệp có %(n)s lỗi: không ghi dòng nào.") % {"n": len(preview.errors)})
        if options["dry_run"]:
            self.stdout.write(_("Chạy thử: chưa ghi gì vào cơ sở dữ liệu."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Đã nhập xong.")))
