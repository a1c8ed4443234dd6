"""The team's outbox page: e-mails that failed or are being retried, and one button that
sends every failed one again once the mail server is back."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views import View

from coordination.services import contact_details_shown_record
from meetings import emails
from meetings.selectors.outbox import outbox_attention_list, outbox_contact_ids


class OutboxPermissionMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("meetings.manage_outbox"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class OutboxView(OutboxPermissionMixin, View):
    template_name = "meetings/outbox.html"

    def get(self, request):
        attention = outbox_attention_list()
        rows = attention["failed"] + attention["delayed"]
        if rows:  # the page shows their addresses
            contact_details_shown_record(
                by=request.user, contacts=outbox_contact_ids(rows), detail="outbox", count=len(rows)
            )
        return render(request, self.template_name, attention)


class OutboxResendFailedView(OutboxPermissionMixin, View):
    def post(self, request):
        count = emails.outbox_failed_resend_all(by=request.user)
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d e-mail will be sent again.",
                    "%(count)d e-mails will be sent again.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(request, gettext("There is no failed e-mail to send again."))
        return redirect("outbox")
