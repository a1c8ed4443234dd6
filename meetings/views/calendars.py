"""Calendars: a meeting's .ics download, the personal and group feeds (a secret token
in the address), and the page that gives, renews or revokes those addresses."""

import hashlib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.models import REVOKED_FEED_PREFIX, WorkingGroup
from coordination.services import user_calendar_token_renew, user_calendar_token_revoke
from meetings.formats import ical
from meetings.selectors.calendars import (
    feed_last_modified,
    feed_meetings_for_group,
    feed_meetings_for_user,
)
from meetings.selectors.scheduling import meetings_visible_to


def _ics_response(calendar, *, filename: str, last_modified=None, request=None) -> HttpResponse:
    body = calendar.to_ical()
    etag = quote_etag(hashlib.sha256(_stable(body)).hexdigest()[:32])
    if request is not None:
        if_none_match = request.headers.get("If-None-Match", "")
        if etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match == "*":
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        if (
            not if_none_match
            and since is not None
            and last_modified is not None
            and int(last_modified.timestamp()) <= since
        ):
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = "private, max-age=300"
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    return response


def _stable(body: bytes) -> bytes:
    """The feed without its DTSTAMP lines (they change on every request)."""
    return b"\n".join(line for line in body.splitlines() if not line.startswith(b"DTSTAMP"))


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
        return _ics_response(
            calendar, filename="invite.ics", last_modified=meeting.updated_at, request=request
        )


def _feed_user(token: str):
    if token.startswith(REVOKED_FEED_PREFIX):
        raise Http404
    user = get_user_model().objects.filter(calendar_token=token, is_active=True).first()
    if user is None:
        raise Http404
    return user


@never_cache
def personal_feed(request, token):
    user = _feed_user(token)
    now = timezone.now()
    meetings, by_meeting = feed_meetings_for_user(user=user, now=now)
    with translation.override(user.preferred_language or "en"):
        calendar = ical.calendar_feed(
            meetings=meetings,
            name=_("My meetings"),
            now=now,
            invitations_by_meeting=by_meeting,
        )
    last_modified = feed_last_modified(meetings, by_meeting.values())
    return _ics_response(
        calendar, filename="meetings.ics", last_modified=last_modified, request=request
    )


@never_cache
def group_feed(request, token, slug):
    user = _feed_user(token)
    group = get_object_or_404(WorkingGroup, slug=slug)
    if not user.has_perm("meetings.subscribe_group", group):
        raise Http404
    meetings = feed_meetings_for_group(group=group)
    with translation.override(user.preferred_language or "en"):
        calendar = ical.calendar_feed(meetings=meetings, name=group.name, now=timezone.now())
    return _ics_response(
        calendar,
        filename=f"{group.slug}.ics",
        last_modified=feed_last_modified(meetings),
        request=request,
    )


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
