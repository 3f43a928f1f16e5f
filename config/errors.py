"""The error pages (400, 403, 404, 500): Vietnamese, in the site's layout, with a way back,
and with the message the project's code gave the refusal.

Django's own handlers show a 404's message (English: "No Score matches the given query.")
and never a 400's. Here a message is shown when the project's code raised the exception
with one (PermissionDenied(_("Chỉ cán bộ Sở Nội vụ mới được …")), Http404(_("Tệp không còn
trên máy chủ.")), BadRequest(_("Bộ lọc … không hợp lệ."))): those are written for the user.
Django's messages (get_object_or_404, the URL resolver, a host refused by ALLOWED_HOSTS)
may be English or name internals, so they are left out and the page says it in general.
The 500 page stays Django's handler: it renders templates/500.html without a request, since
the error may lie in what a request needs.
"""
from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound
from django.template import loader
from django.utils.functional import Promise
from django.views.decorators.csrf import requires_csrf_token

# Modules whose exception messages are written for users.
PROJECT_PACKAGES = ("scorecards", "reports", "config")


def user_message(exception) -> str:
    """The message the project's code gave `exception`, or "" (none, or Django's own)."""
    args = getattr(exception, "args", None)
    if not args or not isinstance(args[0], (str, Promise)):
        return ""
    tb = getattr(exception, "__traceback__", None)
    if tb is None:
        return ""
    while tb.tb_next is not None:
        tb = tb.tb_next
    module = tb.tb_frame.f_globals.get("__name__", "")
    return str(args[0]) if module.split(".")[0] in PROJECT_PACKAGES else ""


def _render(request, template_name, exception) -> str:
    context = {"message": user_message(exception), "in_admin": request.path.startswith("/admin/")}
    return loader.get_template(template_name).render(context, request)


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    return HttpResponseBadRequest(_render(request, template_name, exception))


@requires_csrf_token
def permission_denied(request, exception, template_name="403.html"):
    return HttpResponseForbidden(_render(request, template_name, exception))


@requires_csrf_token
def page_not_found(request, exception, template_name="404.html"):
    return HttpResponseNotFound(_render(request, template_name, exception))

