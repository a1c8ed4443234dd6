from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("meetings/<int:pk>/panel/", views.PanelDrawView.as_view(), name="panel-draw"),
    path("my-data/", views.MyDataView.as_view(), name="my-data"),
    path("my-data.json", views.PersonalDataDownloadView.as_view(), name="my-data-download"),
    path(
        "contacts/<int:pk>/personal-data.json",
        views.PersonalDataDownloadView.as_view(),
        name="contact-data-download",
    ),
]

# --- Consultation reports (issue 6) -----------------------------------------------------------
from meetings.reports import views as report_views  # noqa: E402

urlpatterns += [
    path(
        "rounds/<int:round_pk>/report/",
        report_views.ReportOverviewView.as_view(),
        name="round-report",
    ),
    path(
        "rounds/<int:round_pk>/report/generate/",
        report_views.ReportGenerateView.as_view(),
        name="round-report-generate",
    ),
    path(
        "rounds/<int:round_pk>/report/sections/",
        report_views.ReportSectionsView.as_view(),
        name="round-report-sections",
    ),
    path(
        "rounds/<int:round_pk>/report/preview/",
        report_views.ReportPreviewView.as_view(),
        name="round-report-preview",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/",
        report_views.ReportPreviewView.as_view(),
        name="round-report-version",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.pdf",
        report_views.ReportDownloadView.as_view(),
        {"fmt": "pdf"},
        name="round-report-pdf",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.docx",
        report_views.ReportDownloadView.as_view(),
        {"fmt": "docx"},
        name="round-report-docx",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/finalise/",
        report_views.ReportFinaliseView.as_view(),
        name="round-report-finalise",
    ),
]

from meetings import views_scheduling  # noqa: E402 — issue 4: scheduling, RSVP, calendars

urlpatterns += [
    path("meetings/new/", views_scheduling.MeetingCreateView.as_view(), name="meeting-create"),
    path(
        "meetings/<int:pk>/edit/", views_scheduling.MeetingEditView.as_view(), name="meeting-edit"
    ),
    path(
        "meetings/<int:pk>/occurrence/",
        views_scheduling.OccurrenceView.as_view(),
        name="meeting-occurrence",
    ),
    path(
        "meetings/<int:pk>/cancel/",
        views_scheduling.MeetingCancelView.as_view(),
        name="meeting-cancel",
    ),
    path(
        "meetings/<int:pk>/invitations/",
        views_scheduling.InvitationOverviewView.as_view(),
        name="meeting-invitations",
    ),
    path(
        "meetings/<int:pk>/invitations/send/",
        views_scheduling.InvitationsSendView.as_view(),
        name="meeting-invitations-send",
    ),
    path(
        "meetings/<int:pk>/invitations/remind/",
        views_scheduling.InvitationsNudgeView.as_view(),
        name="meeting-invitations-nudge",
    ),
    path(
        "meetings/<int:pk>/invitations/add/",
        views_scheduling.InvitationAddView.as_view(),
        name="meeting-invitation-add",
    ),
    path(
        "meetings/<int:pk>/outbox/<int:message_pk>/retry/",
        views_scheduling.OutboxRetryView.as_view(),
        name="meeting-outbox-retry",
    ),
    path(
        "invitations/<int:pk>/remove/",
        views_scheduling.InvitationRemoveView.as_view(),
        name="invitation-remove",
    ),
    path(
        "meetings/<int:pk>/invite.ics",
        views_scheduling.MeetingIcsView.as_view(),
        name="meeting-ics",
    ),
    path("rsvp/<str:token>/", views_scheduling.RsvpView.as_view(), name="rsvp"),
    path("calendar/", views_scheduling.CalendarSettingsView.as_view(), name="calendar-settings"),
    path("calendar/<str:token>.ics", views_scheduling.personal_feed, name="calendar-feed"),
    path(
        "calendar/<str:token>/groups/<slug:slug>.ics",
        views_scheduling.group_feed,
        name="calendar-group-feed",
    ),
]
