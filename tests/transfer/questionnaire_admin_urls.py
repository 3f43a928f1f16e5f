"""A URLconf whose admin registers the project's SIPAS questionnaire admin with the transfer
mixin and `resource_classes = [QuestionnaireResource]` (the lines its module adds), so that
the questionnaire's import pages are tested as they are registered."""
from django.contrib import admin
from django.urls import include, path

from scorecards.admin.sipas import SipasQuestionnaireAdmin
from scorecards.admin.transfer import TransferAdminMixin
from scorecards.models import SipasQuestionnaire
from scorecards.resources import QuestionnaireResource

site = admin.AdminSite(name="admin")

if issubclass(SipasQuestionnaireAdmin, TransferAdminMixin):
    QuestionnaireAdmin = SipasQuestionnaireAdmin
else:
    class QuestionnaireAdmin(TransferAdminMixin, SipasQuestionnaireAdmin):
        resource_classes = [QuestionnaireResource]

site.register(SipasQuestionnaire, QuestionnaireAdmin)

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reports/", include("reports.urls")),
    path("", include("scorecards.urls")),
]
