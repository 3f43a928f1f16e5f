"""What every admin list and form of the project does the Vietnamese way.

- Sorting: the list's default order, a click on a column and the choices of a related
  field's select or filter sort names in Vietnamese order on SQLite and PostgreSQL
  (scorecards.db: "Đài Phát thanh" before "VP UBND tỉnh", not after it).
- Search: every search box ignores diacritics and case ("uy ban" finds "Ủy ban", "dai"
  finds "Đài"): a stored folded copy (`search_text`) where the model keeps one, the
  column folded by the database (scorecards.db.Fold) elsewhere.
- Empty choices say what they mean ("— Chọn —", "(để trống)", "— Chọn thao tác —")
  instead of Django's "---------".
- Points and percentages are typed with a decimal comma, and phones open the decimal
  keypad (inputmode="decimal").
"""
from functools import reduce
from operator import or_

from django.contrib.admin.utils import lookup_spawns_duplicates
from django.contrib.admin.views.main import ChangeList
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Contains
from django.forms import ChoiceField, ModelChoiceField, NumberInput, TextInput
from django.utils.translation import gettext_lazy as _

from scorecards.db import Fold, is_text_path, vi_collate, vi_order_by
from scorecards.forms import DECIMAL_BOX
from scorecards.text import fold

DJANGO_BLANK = "---------"
CHOOSE = _("— Chọn —")
LEAVE_EMPTY = _("(để trống)")
CHOOSE_ACTION = _("— Chọn thao tác —")


def relabel_blank_choice(field, label=None):
    """Give a select's empty choice a Vietnamese label (Django's is "---------")."""
    if field is None:
        return field
    label = label or (CHOOSE if field.required else LEAVE_EMPTY)
    if isinstance(field, ModelChoiceField):
        if field.empty_label == DJANGO_BLANK:
            field.empty_label = label
    elif isinstance(field, ChoiceField):
        choices = list(field.choices)
        if any(value == "" and text == DJANGO_BLANK for value, text in choices):
            field.choices = [(value, label if value == "" and text == DJANGO_BLANK else text) for value, text in choices]
    return field


def decimal_input(field):
    """A decimal box typed the Vietnamese way (0,75) that opens the phone's decimal keypad."""
    field.localize = True
    field.widget.is_localized = True
    field.widget.attrs.update(DECIMAL_BOX)
    return field


class VietnameseFormsMixin:
    """For ModelAdmins and inlines: Vietnamese order, empty choices and decimal boxes."""

    def get_ordering(self, request):
        ordering = super().get_ordering(request) or self.model._meta.ordering
        return vi_order_by(self.model, ordering)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.DecimalField) and not db_field.choices:
            # Localized, in a text box that takes 0,75: a number box refuses the comma and
            # shows a localized value ("3,5") as empty. A form's own box keeps its size.
            widget = kwargs.get("widget")
            if widget is None or isinstance(widget, NumberInput) or widget is NumberInput:
                attrs = {k: v for k, v in getattr(widget, "attrs", {}).items() if k not in ("step", "min", "max")}
                kwargs["widget"] = TextInput(attrs={"size": 10, **attrs})
            kwargs["localize"] = True
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DecimalField) and not db_field.choices:
            decimal_input(field)
        return relabel_blank_choice(field)


class VietnameseChangeList(ChangeList):
    """A click on a name column sorts in Vietnamese order."""

    def get_ordering_field(self, field_name):
        order_field = super().get_ordering_field(field_name)
        if isinstance(order_field, str) and is_text_path(self.model, order_field.lstrip("-")):
            expression = vi_collate(order_field.lstrip("-"))
            return expression.desc() if order_field.startswith("-") else expression
        return order_field


class VietnameseAdminMixin(VietnameseFormsMixin):
    """For ModelAdmins: the above, plus lists sorted, searched and acted on in Vietnamese."""

    def get_changelist(self, request, **kwargs):
        return VietnameseChangeList

    def get_action_choices(self, request, default_choices=None):
        return super().get_action_choices(request, default_choices=[("", CHOOSE_ACTION)])

    def get_search_results(self, request, queryset, search_term):
        """Every word of the search, without diacritics, in one of the search fields."""
        fields = [name.lstrip("^=@") for name in self.get_search_fields(request)]
        words = fold(search_term).split()
        if not fields or not words:
            return queryset, False
        for word in words:
            queryset = queryset.filter(reduce(or_, (folded_contains(name, word) for name in fields)))
        return queryset, any(lookup_spawns_duplicates(self.opts, name) for name in fields)


def folded_contains(name: str, word: str) -> Q:
    """`name` contains the folded `word`: directly on a stored folded copy (`search_text`,
    indexed), through Fold() on any other column."""
    if name.split("__")[-1] == "search_text":
        return Q(**{f"{name}__contains": word})
    return Q(Contains(Fold(name), word))
