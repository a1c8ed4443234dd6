from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        # The facilitators of a round see the details of its invitees: who was invited is
        # recorded here, so this app tells coordination (which never imports it).
        from coordination.selectors import contact_detail_grant_register
        from meetings.selectors.invitations import invitees_of_rounds_facilitated_by

        contact_detail_grant_register(invitees_of_rounds_facilitated_by)

        # /readyz reports the outbox: messages failed for good, or due and not sent.
        from coordination.health import readiness_check_register
        from meetings.selectors.outbox import outbox_readiness

        readiness_check_register("outbox", outbox_readiness, critical=False)
