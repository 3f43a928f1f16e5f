"""Existing data becomes the first version: one SIPAS questionnaire holding every section,
group and indicator, used by every period; frameworks apply from their first period's year."""
from django.db import migrations
from django.db.models import Min


def forwards(apps, schema_editor):
    Questionnaire = apps.get_model("scorecards", "SipasQuestionnaire")
    Section = apps.get_model("scorecards", "SipasSection")
    Group = apps.get_model("scorecards", "SipasGroup")
    Indicator = apps.get_model("scorecards", "SipasIndicator")
    Period = apps.get_model("scorecards", "EvaluationPeriod")
    Framework = apps.get_model("scorecards", "Framework")

    for framework in Framework.objects.all():
        first = Period.objects.filter(framework=framework).aggregate(y=Min("year"))["y"]
        if first and framework.year_from is None:
            framework.year_from = first
            framework.save(update_fields=["year_from"])
    if not Section.objects.exists():
        return
    first = Period.objects.aggregate(y=Min("year"))["y"]
    questionnaire = Questionnaire.objects.create(
        code="sipas", name="Bộ câu hỏi SIPAS", year_from=first,
        legal_basis="Quyết định số 2637/QĐ-BNV ngày 20/12/2017 (Đề án đo lường sự hài lòng)")
    Section.objects.update(questionnaire=questionnaire)
    for group in Group.objects.select_related("section"):
        group.questionnaire_id = group.section.questionnaire_id
        group.save(update_fields=["questionnaire"])
    for indicator in Indicator.objects.select_related("group"):
        indicator.questionnaire_id = indicator.group.questionnaire_id
        indicator.save(update_fields=["questionnaire"])
    Period.objects.update(sipas_questionnaire=questionnaire)


class Migration(migrations.Migration):
    dependencies = [("scorecards", "0004_years_change")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
