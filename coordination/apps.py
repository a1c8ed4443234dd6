from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from coordination.middleware import participant_session_end

        # Any log-in (the log-in page, the admin's) starts from full rights; the sign-in link
        # view marks its own session as participant-only right after logging in.
        user_logged_in.connect(participant_session_end, dispatch_uid="participant_session_end")
