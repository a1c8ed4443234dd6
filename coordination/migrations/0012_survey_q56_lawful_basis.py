"""Survey question 56 is an organisation's agreement to be contacted, given without privacy
information: the consents recorded from it move from "consent" to the configured basis
(``SURVEY_Q56_LAWFUL_BASIS``, legitimate interest by default)."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Consent = apps.get_model("coordination", "Consent")
    Consent.objects.filter(source="survey_q56", lawful_basis="consent").update(
        lawful_basis=settings.SURVEY_Q56_LAWFUL_BASIS
    )


def backwards(apps, schema_editor):
    Consent = apps.get_model("coordination", "Consent")
    Consent.objects.filter(source="survey_q56").update(lawful_basis="consent")


class Migration(migrations.Migration):
    dependencies = [("coordination", "0011_purge_runs")]

    operations = [migrations.RunPython(forwards, backwards)]
