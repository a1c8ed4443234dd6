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
        # An erasure reaches what this app holds about the person (coordination never
        # imports it): invitations, e-mails, minutes, reports, exports.
        from coordination.services import (
            contact_eraser_register,
            personal_data_references_register,
        )
        from meetings.services.erasure import (
            MEETINGS_PERSONAL_DATA_REFERENCES,
            contact_meetings_erase,
        )

        contact_eraser_register(contact_meetings_erase)

        # A withdrawn consent stops this app's processing for that purpose at once.
        from coordination.services import consent_withdrawal_handler_register
        from meetings.services.consents import contact_processing_stop

        consent_withdrawal_handler_register(contact_processing_stop)

        # Changes of invitations are kept by django-auditlog, without the comment and the
        # participation needs (special-category data) or the RSVP secret.
        from auditlog.registry import auditlog

        from meetings.models import Invitation

        auditlog.register(
            Invitation,
            exclude_fields=[
                "comment",
                "accessibility_needs",
                "needs_interpretation",
                "participation_language",
                "needs_consented_at",
                "token_nonce",
            ],
        )
        personal_data_references_register(MEETINGS_PERSONAL_DATA_REFERENCES)
