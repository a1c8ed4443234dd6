"""The survey import jobs (background import with progress) and the hourly sweep of uploads left behind."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models

SCHEDULE = "coordination: sweep survey-import uploads"


def create_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE,
        defaults={
            "func": "coordination.tasks.survey_import_uploads_sweep",
            "schedule_type": "H",
            "minutes": None,
            "repeats": -1,
        },
    )


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=SCHEDULE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('coordination', '0007_index_of_volunteers_answer'),
    ]

    operations = [
        migrations.CreateModel(
            name='SurveyImportJob',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.UUIDField(default=uuid.uuid4, unique=True, verbose_name='public identifier')),
                ('status', models.CharField(choices=[('queued', 'Queued'), ('running', 'Running'), ('done', 'Done'), ('failed', 'Failed')], default='queued', max_length=20, verbose_name='status')),
                ('dry_run', models.BooleanField(default=False, verbose_name='check only')),
                ('awaits_confirmation', models.BooleanField(default=False, help_text='A check from the import page: its upload is kept for the confirmation.', verbose_name='awaits confirmation')),
                ('filename', models.CharField(blank=True, max_length=255, verbose_name='file name')),
                ('upload', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='uploaded file')),
                ('mapping', models.FileField(blank=True, max_length=255, upload_to='', verbose_name='mapping file')),
                ('mapping_filename', models.CharField(blank=True, max_length=255, verbose_name='mapping file name')),
                ('language', models.CharField(blank=True, max_length=2, verbose_name='form language')),
                ('partial', models.BooleanField(default=False, verbose_name='keep the good rows')),
                ('organisation_choices', models.JSONField(blank=True, default=dict, verbose_name='organisation choices')),
                ('interface_language', models.CharField(blank=True, max_length=10, verbose_name='language of the report')),
                ('rows_done', models.PositiveIntegerField(default=0, verbose_name='rows done')),
                ('rows_total', models.PositiveIntegerField(default=0, verbose_name='rows in the file')),
                ('report', models.JSONField(blank=True, null=True, verbose_name='report')),
                ('error', models.TextField(blank=True, verbose_name='reason of the failure')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('checked', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='confirmation', to='coordination.surveyimportjob', verbose_name='check it confirms')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'survey import',
                'verbose_name_plural': 'survey imports',
                'ordering': ['-requested_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'failed'), _negated=True), models.Q(('error', ''), _negated=True), _connector='OR'), name='survey_import_failure_has_reason'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'done'), _negated=True), ('report__isnull', False), _connector='OR'), name='survey_import_done_has_report'), models.CheckConstraint(condition=models.Q(('checked__isnull', True), ('dry_run', False), _connector='OR'), name='survey_import_confirmation_writes')],
            },
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
