"""The admin's history pages (django-simple-history) written the Vietnamese way.

The package shows a change's old and new values raw: "None → 0.960", "draft → accepted".
Here a value is written as the rest of the app writes it: an empty value as "(trống)",
a choice by its label ("Nháp → Đã chấp nhận"), points with a decimal comma (0,96), dates
day first, yes/no in words. The table itself is templates/simple_history/object_history_list.html.
"""
from datetime import date, datetime
from decimal import Decimal

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper

from scorecards.formatting import fmt_points

EMPTY = _("(trống)")


def display_value(field, value):
    """`value` of model field `field` as the app shows it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list):  # many-to-many: the related rows
        return ", ".join(str(v) for v in value)
    if getattr(field, "flatchoices", None):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return str(_("Có") if value else _("Không"))
    if isinstance(value, Decimal):
        return fmt_points(value)
    if isinstance(value, datetime):
        return formats.localize(timezone.localtime(value) if timezone.is_aware(value) else value)
    if isinstance(value, date):
        return formats.localize(value)
    return str(value)


class VietnameseHistoryHelper(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        # An empty foreign key comes as the package's DeletedObject with pk None ("Deleted
        # user (pk=None)"): it was empty, not deleted.
        if value in (None, "") or (isinstance(value, DeletedObject) and value.pk is None):
            return EMPTY
        value = super().prepare_delta_change_value(change, value)
        return display_value(self.model._meta.get_field(change.field), value)


class VietnameseHistoryMixin:
    """For a SimpleHistoryAdmin: values in its history page written the Vietnamese way."""

    def get_historical_record_context_helper(self, request, historical_record):
        return VietnameseHistoryHelper(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        """The package's history page, with a 404 for an id that is no number ("abc",
        "97/change"): it looked that up as given and raised a 500."""
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404(_("Không có bản ghi với mã “%(id)s”.") % {"id": unquote(object_id)}) from None
        return super().history_view(request, object_id, extra_context)
