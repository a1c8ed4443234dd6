from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from coordination import checks  # noqa: F401  (registers the production checks)
        from coordination.middleware import participant_session_end, session_idle_timeout_start

        user_logged_in.connect(session_idle_timeout_start, dispatch_uid="session-idle-timeout")
        # Any log-in (the log-in page, the admin's) starts from full rights; the sign-in link
        # view marks its own session as participant-only right after logging in.
        user_logged_in.connect(participant_session_end, dispatch_uid="participant_session_end")
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
