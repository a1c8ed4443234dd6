"""Calendars: a meeting's .ics download, the personal and group feeds (a secret token
in the address), and the page that gives, renews or revokes those addresses."""

import hashlib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import condition

from coordination.models import REVOKED_FEED_PREFIX, WorkingGroup
from coordination.services import user_calendar_token_renew, user_calendar_token_revoke
from meetings.formats import ical
from meetings.selectors import calendars as calendar_feeds
from meetings.selectors.scheduling import meetings_visible_to


def _ics_response(body: bytes, *, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _stable(body: bytes) -> bytes:
    """The file without its DTSTAMP lines (they change on every request)."""
    return b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))


def conditional_ics_response(request, calendar, *, filename: str, last_modified) -> HttpResponse:
    """One meeting's .ics with an ETag of its content (DTSTAMP aside) and its Last-Modified,
    answered 304 by Django's conditional-response helper when the client has it already."""
    body = calendar.to_ical()
    etag = quote_etag(hashlib.sha256(_stable(body)).hexdigest()[:32])
    stamp = int(last_modified.timestamp())
    response = _ics_response(body, filename=filename)
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp)
    response["Cache-Control"] = "private, max-age=300"
    return get_conditional_response(request, etag=etag, last_modified=stamp, response=response)


class MeetingIcsView(LoginRequiredMixin, View):
    def get(self, request, pk):
        meeting = get_object_or_404(
            meetings_visible_to(user=request.user).select_related("facilitator"), pk=pk
        )
        invitation = (
            meeting.invitations.filter(contact__user=request.user).select_related("contact").first()
        )
        calendar = ical.calendar_download(
            meeting=meeting, now=timezone.now(), invitation=invitation
        )
        return conditional_ics_response(
            request, calendar, filename="invite.ics", last_modified=meeting.updated_at
        )


def _feed_user(token: str):
    if token.startswith(REVOKED_FEED_PREFIX):
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    return user


# A feed's ETag and Last-Modified come from its stamp (one aggregate query), read once per
# request and compared by Django's conditional-response handling (weak comparison for
# If-None-Match, If-Modified-Since only without it) before the body is put together.


def _personal_stamp(request, token: str) -> calendar_feeds.FeedStamp:
    if not hasattr(request, "calendar_feed_stamp"):
        user = _feed_user(token)
        with translation.override(user.preferred_language or "en"):
            name = _("My meetings")
        request.calendar_feed_user = user
        request.calendar_feed_stamp = calendar_feeds.personal_feed_stamp(user=user, name=name)
    return request.calendar_feed_stamp


def _group_stamp(request, token: str, slug: str) -> calendar_feeds.FeedStamp:
    if not hasattr(request, "calendar_feed_stamp"):
        user = _feed_user(token)
        group = get_object_or_404(WorkingGroup, slug=slug)
        if not user.has_perm("meetings.subscribe_group", group):
            raise Http404
        request.calendar_feed_group = group
        request.calendar_feed_stamp = calendar_feeds.group_feed_stamp(
            group=group, language=user.preferred_language or "en"
        )
    return request.calendar_feed_stamp


def _etag(stamp):
    return lambda request, *args, **kwargs: stamp(request, *args, **kwargs).etag


def _last_modified(stamp):
    return lambda request, *args, **kwargs: stamp(request, *args, **kwargs).last_modified


@never_cache
@condition(etag_func=_etag(_personal_stamp), last_modified_func=_last_modified(_personal_stamp))
def personal_feed(request, token):
    stamp = _personal_stamp(request, token)
    body = calendar_feeds.feed_document_cached(
        stamp,
        lambda: calendar_feeds.feed_document(
            calendar_feeds.personal_feed(user=request.calendar_feed_user, name=stamp.name)
        ),
    )
    return _ics_response(body, filename="meetings.ics")


@never_cache
@condition(etag_func=_etag(_group_stamp), last_modified_func=_last_modified(_group_stamp))
def group_feed(request, token, slug):
    stamp = _group_stamp(request, token, slug)
    body = calendar_feeds.feed_document_cached(
        stamp,
        lambda: calendar_feeds.feed_document(
            calendar_feeds.group_feed(group=request.calendar_feed_group, language=stamp.language)
        ),
    )
    return _ics_response(body, filename=f"{slug}.ics")


class CalendarSettingsView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        active = user.calendar_feed_active
        groups = WorkingGroup.objects.filter(
            memberships__contact__user=user, memberships__until__isnull=True
        ).distinct()
        return render(
            request,
            "meetings/calendar_settings.html",
            {
                "active": active,
                "feed_url": request.build_absolute_uri(
                    reverse("calendar-feed", args=[user.calendar_token])
                )
                if active
                else "",
                "group_feeds": [
                    (
                        group,
                        request.build_absolute_uri(
                            reverse("calendar-group-feed", args=[user.calendar_token, group.slug])
                        ),
                    )
                    for group in groups
                ]
                if active
                else [],
            },
        )

    def post(self, request):
        if request.POST.get("action") == "revoke":
            user_calendar_token_revoke(user=request.user)
            messages.success(request, _("Your calendar links no longer work."))
        else:
            user_calendar_token_renew(user=request.user)
            messages.success(
                request, _("Your calendar links were renewed; the old ones no longer work.")
            )
        return redirect("calendar-settings")
