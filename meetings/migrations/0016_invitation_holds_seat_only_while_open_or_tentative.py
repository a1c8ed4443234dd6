from django.db import migrations, models


def release_seats_let_go(apps, schema_editor):
    """A seat given to an invitee who has since accepted is held by the acceptance; one given
    to an invitee who declined, was removed or passed it on is free."""
    Invitation = apps.get_model("meetings", "Invitation")
    Invitation.objects.filter(holds_seat=True).exclude(status__in=["sent", "tentative"]).update(
        holds_seat=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0015_delegation_requests"),
    ]

    operations = [
        migrations.RunPython(release_seats_let_go, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="invitation",
            constraint=models.CheckConstraint(
                condition=models.Q(("holds_seat", False), ("status__in", ["sent", "tentative"]), _connector="OR"),
                name="invitation_holds_seat_only_while_open_or_tentative",
            ),
        ),
    ]
