"""My data: what the product holds about the signed-in person, the consents they can
withdraw, their time zone, and the machine-readable download (GDPR art. 15, 20 and 7.3)."""

import zoneinfo

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from coordination.enums import AccessAction, ConsentPurpose, Door
from coordination.models import Contact
from coordination.rules import is_team
from coordination.services import access_record, consent_withdraw, user_time_zone_set
from meetings.selectors.my_data import contact_personal_data_with_meetings, personal_data_archive


class MyDataView(LoginRequiredMixin, TemplateView):
    """A participant's own personal data: what we hold, consents they can withdraw, and a
    machine-readable download (GDPR art. 15, 20 and 7.3)."""

    template_name = "meetings/my_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = getattr(self.request.user, "contact", None)
        context["contact"] = contact
        context["time_zones"] = sorted(zoneinfo.available_timezones())
        if contact is not None:
            context["consents"] = contact.consents.order_by("-given_at")
        return context

    def post(self, request, *args, **kwargs):
        if "time_zone" in request.POST:
            return self.set_time_zone(request)
        contact = getattr(request.user, "contact", None)
        purpose = request.POST.get("withdraw", "")
        if contact is None or purpose not in ConsentPurpose.values:
            messages.error(request, _("Nothing to withdraw."))
        elif consent_withdraw(contact=contact, purpose=purpose, by=request.user):
            messages.success(
                request,
                _("Your consent for “%(purpose)s” was withdrawn.")
                % {"purpose": ConsentPurpose(purpose).label},
            )
        else:
            messages.info(request, _("That consent was already withdrawn."))
        return redirect("my-data")

    def set_time_zone(self, request):
        value = request.POST.get("time_zone", "")
        try:
            user_time_zone_set(user=request.user, time_zone=value)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Times are now shown in %(zone)s.") % {"zone": value})
        return redirect("my-data")


def _contact_exported(request, pk: int | None) -> Contact:
    """Whose personal data a download is for: the user's own, or (for the team) any
    contact's."""
    if pk is None:
        contact = getattr(request.user, "contact", None)
        if contact is None:
            raise Http404
        return contact
    contact = get_object_or_404(Contact, pk=pk)
    if not is_team(request.user):
        raise PermissionDenied
    return contact


class PersonalDataDownloadView(LoginRequiredMixin, View):
    """JSON export of one contact's personal data, for the contact themself or the team."""

    def get(self, request, pk: int | None = None):
        contact = _contact_exported(request, pk)
        data = contact_personal_data_with_meetings(contact=contact)
        access_record(
            actor=request.user,
            action=AccessAction.PERSONAL_DATA_DOWNLOADED,
            door=Door.PAGE,
            contacts=[contact],
        )
        response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
        response["Content-Disposition"] = f'attachment; filename="personal-data-{contact.pk}.json"'
        return response


class ConsentWithdrawConfirmView(LoginRequiredMixin, TemplateView):
    """Asks before a consent is withdrawn (without JavaScript); the form it shows posts to
    "My data", which withdraws it."""

    template_name = "meetings/consent_withdraw_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contact = getattr(self.request.user, "contact", None)
        purpose = self.kwargs["purpose"]
        consent = (
            contact.consents.filter(purpose=purpose, withdrawn_at__isnull=True).first()
            if contact is not None and purpose in ConsentPurpose.values
            else None
        )
        if consent is None:
            raise Http404
        context["consent"] = consent
        return context


class PersonalDataArchiveView(LoginRequiredMixin, View):
    """The complete access export as a ZIP: a README in the person's language, the JSON and
    the files that name them; for the contact themself or the team."""

    def get(self, request, pk: int | None = None):
        contact = _contact_exported(request, pk)
        content = personal_data_archive(contact=contact)
        access_record(
            actor=request.user,
            action=AccessAction.PERSONAL_DATA_DOWNLOADED,
            door=Door.PAGE,
            contacts=[contact],
            detail="archive",
        )
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="personal-data-{contact.pk}.zip"'
        return response
