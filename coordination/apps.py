from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        # Changes to people's records are kept by django-auditlog; e-mail addresses and phone
        # numbers are masked there, secrets and hashes left out.
        from auditlog.registry import auditlog

        from coordination.models import Consent, Contact, Membership, User

        auditlog.register(Contact, mask_fields=["email", "phone"])
        auditlog.register(Consent)
        auditlog.register(Membership)
        auditlog.register(
            User,
            include_fields=["username", "is_active", "is_staff", "is_superuser", "groups"],
            m2m_fields={"groups"},
        )
