from django.db import migrations, models


def load(apps, schema_editor):
    """The questionnaire's German labels and its own language, from the catalogue."""
    from coordination.services import questionnaire_load

    questionnaire_load(
        survey_model=apps.get_model("coordination", "Survey"),
        question_model=apps.get_model("coordination", "Question"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coordination", "0013_contact_source_and_lawful_basis"),
    ]

    operations = [
        migrations.AddField(
            model_name="survey",
            name="language",
            field=models.CharField(
                choices=[("en", "English"), ("fr", "French"), ("nl", "Dutch"), ("de", "German")],
                default="en",
                help_text=(
                    "The language the questionnaire was written in: a label missing in "
                    "another language is shown in this one."
                ),
                max_length=2,
                verbose_name="language of the form",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
