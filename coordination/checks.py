"""System checks of a production installation (``manage.py check --deploy``, which
``manage.py serve`` runs before it starts anything): DEBUG must be off."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def debug_off_in_production(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return [
            checks.Error(
                "DEBUG is on: a production server must never run with it (it shows code, "
                "settings and data in error pages and serves media files to anyone).",
                hint="Set DEBUG=0 in the environment, and remove DEBUG=1 from a .env file.",
                id="coordination.E001",
            )
        ]
    return []
