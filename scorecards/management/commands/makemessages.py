"""Django's makemessages, also extracting `gettext_lazy as _l` (the alias used in admin and
resources), so that no string marked for translation is missed."""
from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_l"]
