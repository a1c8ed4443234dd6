from django.db import migrations


def load(apps, schema_editor):
    from coordination.services import questionnaire_load

    questionnaire_load(
        survey_model=apps.get_model("coordination", "Survey"),
        question_model=apps.get_model("coordination", "Question"),
    )


class Migration(migrations.Migration):
    dependencies = [("coordination", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
