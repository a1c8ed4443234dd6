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

# --- Agendas, minutes and action items (issue 5) -------------------------------------------------
from meetings import views_actions, views_agendas, views_minutes  # noqa: E402

urlpatterns += [
    path("meetings/<int:pk>/agenda/", views_agendas.agenda_page, name="agenda-page"),
    path("meetings/<int:pk>/agenda.pdf", views_agendas.agenda_pdf, name="agenda-pdf"),
    path("meetings/<int:pk>/agenda/edit/", views_agendas.agenda_edit, name="agenda-edit"),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/",
        views_agendas.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/move/",
        views_agendas.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/delete/",
        views_agendas.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/attachments/",
        views_agendas.attachment_add,
        name="agenda-attachment-add",
    ),
    path(
        "meetings/<int:pk>/agenda/attachments/<int:attachment_pk>/",
        views_agendas.attachment_download,
        name="agenda-attachment",
    ),
    path(
        "meetings/<int:pk>/agenda/attachments/<int:attachment_pk>/delete/",
        views_agendas.attachment_delete,
        name="agenda-attachment-delete",
    ),
    path("meetings/<int:pk>/agenda/reorder/", views_agendas.agenda_reorder, name="agenda-reorder"),
    path(
        "meetings/<int:pk>/agenda/template/", views_agendas.agenda_template, name="agenda-template"
    ),
    path(
        "meetings/<int:pk>/agenda/copy-previous/",
        views_agendas.agenda_copy_previous,
        name="agenda-copy-previous",
    ),
    path("meetings/<int:pk>/agenda/publish/", views_agendas.agenda_publish, name="agenda-publish"),
    path("meetings/<int:pk>/minutes/", views_minutes.minutes_page, name="minutes-page"),
    path(
        "meetings/<int:pk>/minutes.<str:extension>",
        views_minutes.minutes_export,
        name="minutes-export",
    ),
    path("meetings/<int:pk>/minutes/edit/", views_minutes.minutes_edit, name="minutes-edit"),
    path(
        "meetings/<int:pk>/minutes/<int:minutes_pk>/comment/",
        views_minutes.minutes_comment,
        name="minutes-comment",
    ),
    path("meetings/<int:pk>/minutes/decisions/", views_minutes.decision_add, name="decision-add"),
    path(
        "meetings/<int:pk>/minutes/decisions/<int:decision_pk>/delete/",
        views_minutes.decision_delete,
        name="decision-delete",
    ),
    path("meetings/<int:pk>/minutes/actions/", views_minutes.action_add, name="minutes-action-add"),
    path(
        "meetings/<int:pk>/minutes/circulate/",
        views_minutes.minutes_circulate,
        name="minutes-circulate",
    ),
    path(
        "meetings/<int:pk>/minutes/approve/", views_minutes.minutes_approve, name="minutes-approve"
    ),
    path(
        "meetings/<int:pk>/minutes/correct/", views_minutes.minutes_correct, name="minutes-correct"
    ),
    path("minutes/exports/", views_minutes.minutes_exports, name="minutes-exports"),
    path(
        "minutes/exports/<int:export_pk>/",
        views_minutes.minutes_export_download,
        name="minutes-export-download",
    ),
    path("actions/", views_actions.action_list, name="action-list"),
    path("actions/export.<str:extension>", views_actions.action_export, name="action-export"),
    path("actions/<int:pk>/", views_actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", views_actions.action_edit, name="action-edit"),
    path("actions/<int:pk>/status/", views_actions.action_status, name="action-status"),
    path("actions/<int:pk>/comment/", views_actions.action_comment, name="action-comment"),
    path("actions/done/<str:token>/", views_actions.action_done_by_token, name="action-done-token"),
]
