"""The pages of the ``meetings`` app, one module of ``meetings.views`` per capability."""

from django.urls import path

from meetings.views import (
    actions,
    agendas,
    calendars,
    home,
    invitations,
    minutes,
    my_data,
    panels,
    reports,
    scheduling,
)

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("meetings/", scheduling.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", scheduling.MeetingDetailView.as_view(), name="meeting-detail"),
    path("pool/", panels.VolunteerPoolView.as_view(), name="volunteer-pool"),
    path("meetings/<int:pk>/panel/", panels.PanelDrawView.as_view(), name="panel-draw"),
    path("my-data/", my_data.MyDataView.as_view(), name="my-data"),
    path(
        "my-data/withdraw/<slug:purpose>/",
        my_data.ConsentWithdrawConfirmView.as_view(),
        name="consent-withdraw-confirm",
    ),
    path("my-data.json", my_data.PersonalDataDownloadView.as_view(), name="my-data-download"),
    path(
        "contacts/<int:pk>/personal-data.json",
        my_data.PersonalDataDownloadView.as_view(),
        name="contact-data-download",
    ),
    path(
        "rounds/<int:round_pk>/report/",
        reports.ReportOverviewView.as_view(),
        name="round-report",
    ),
    path(
        "rounds/<int:round_pk>/report/generate/",
        reports.ReportGenerateView.as_view(),
        name="round-report-generate",
    ),
    path(
        "rounds/<int:round_pk>/report/sections/",
        reports.ReportSectionsView.as_view(),
        name="round-report-sections",
    ),
    path(
        "rounds/<int:round_pk>/report/preview/",
        reports.ReportPreviewView.as_view(),
        name="round-report-preview",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/",
        reports.ReportPreviewView.as_view(),
        name="round-report-version",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.pdf",
        reports.ReportDownloadView.as_view(),
        {"fmt": "pdf"},
        name="round-report-pdf",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.docx",
        reports.ReportDownloadView.as_view(),
        {"fmt": "docx"},
        name="round-report-docx",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/finalise/",
        reports.ReportFinaliseView.as_view(),
        name="round-report-finalise",
    ),
    path("meetings/new/", scheduling.MeetingCreateView.as_view(), name="meeting-create"),
    path(
        "meetings/conflicts.json", scheduling.ConflictCheckView.as_view(), name="meeting-conflicts"
    ),
    path("meetings/<int:pk>/edit/", scheduling.MeetingEditView.as_view(), name="meeting-edit"),
    path(
        "meetings/<int:pk>/occurrence/",
        scheduling.OccurrenceView.as_view(),
        name="meeting-occurrence",
    ),
    path(
        "meetings/<int:pk>/cancel/",
        scheduling.MeetingCancelView.as_view(),
        name="meeting-cancel",
    ),
    path(
        "meetings/<int:pk>/invitations/",
        invitations.InvitationOverviewView.as_view(),
        name="meeting-invitations",
    ),
    path(
        "meetings/<int:pk>/invitations/send/",
        invitations.InvitationsSendView.as_view(),
        name="meeting-invitations-send",
    ),
    path(
        "meetings/<int:pk>/invitations/remind/",
        invitations.InvitationsNudgeView.as_view(),
        name="meeting-invitations-nudge",
    ),
    path(
        "meetings/<int:pk>/invitations/add/",
        invitations.InvitationAddView.as_view(),
        name="meeting-invitation-add",
    ),
    path(
        "meetings/<int:pk>/outbox/<int:message_pk>/retry/",
        invitations.OutboxRetryView.as_view(),
        name="meeting-outbox-retry",
    ),
    path(
        "invitations/<int:pk>/remove/",
        invitations.InvitationRemoveView.as_view(),
        name="invitation-remove",
    ),
    path(
        "meetings/<int:pk>/invite.ics",
        calendars.MeetingIcsView.as_view(),
        name="meeting-ics",
    ),
    path("rsvp/<str:token>/", invitations.RsvpView.as_view(), name="rsvp"),
    path("calendar/", calendars.CalendarSettingsView.as_view(), name="calendar-settings"),
    path("calendar/<str:token>.ics", calendars.personal_feed, name="calendar-feed"),
    path(
        "calendar/<str:token>/groups/<slug:slug>.ics",
        calendars.group_feed,
        name="calendar-group-feed",
    ),
    path("meetings/<int:pk>/agenda/", agendas.agenda_page, name="agenda-page"),
    path("meetings/<int:pk>/agenda.pdf", agendas.agenda_pdf, name="agenda-pdf"),
    path("meetings/<int:pk>/agenda/versions/", agendas.agenda_versions, name="agenda-versions"),
    path(
        "meetings/<int:pk>/agenda/versions/<int:number>/",
        agendas.agenda_versions,
        name="agenda-version",
    ),
    path("meetings/<int:pk>/agenda/edit/", agendas.agenda_edit, name="agenda-edit"),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/",
        agendas.agenda_item_edit,
        name="agenda-item-edit",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/move/",
        agendas.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/delete/",
        agendas.agenda_item_delete,
        name="agenda-item-delete",
    ),
    path(
        "meetings/<int:pk>/agenda/items/<int:item_pk>/attachments/",
        agendas.attachment_add,
        name="agenda-attachment-add",
    ),
    path(
        "meetings/<int:pk>/agenda/attachments/<int:attachment_pk>/",
        agendas.attachment_download,
        name="agenda-attachment",
    ),
    path(
        "meetings/<int:pk>/agenda/attachments/<int:attachment_pk>/delete/",
        agendas.attachment_delete,
        name="agenda-attachment-delete",
    ),
    path("meetings/<int:pk>/agenda/reorder/", agendas.agenda_reorder, name="agenda-reorder"),
    path(
        "meetings/<int:pk>/agenda/restore/", agendas.agenda_item_restore, name="agenda-item-restore"
    ),
    path("meetings/<int:pk>/agenda/template/", agendas.agenda_template, name="agenda-template"),
    path(
        "meetings/<int:pk>/agenda/copy-previous/",
        agendas.agenda_copy_previous,
        name="agenda-copy-previous",
    ),
    path("meetings/<int:pk>/agenda/publish/", agendas.agenda_publish, name="agenda-publish"),
    path("meetings/<int:pk>/minutes/", minutes.minutes_page, name="minutes-page"),
    path(
        "meetings/<int:pk>/minutes.<str:extension>",
        minutes.minutes_export,
        name="minutes-export",
    ),
    path("meetings/<int:pk>/minutes/edit/", minutes.minutes_edit, name="minutes-edit"),
    path(
        "meetings/<int:pk>/minutes/<int:minutes_pk>/comment/",
        minutes.minutes_comment,
        name="minutes-comment",
    ),
    path("meetings/<int:pk>/minutes/decisions/", minutes.decision_add, name="decision-add"),
    path(
        "meetings/<int:pk>/minutes/decisions/<int:decision_pk>/delete/",
        minutes.decision_delete,
        name="decision-delete",
    ),
    path("meetings/<int:pk>/minutes/actions/", minutes.action_add, name="minutes-action-add"),
    path(
        "meetings/<int:pk>/minutes/circulate/",
        minutes.minutes_circulate,
        name="minutes-circulate",
    ),
    path("meetings/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes-approve"),
    path("meetings/<int:pk>/minutes/correct/", minutes.minutes_correct, name="minutes-correct"),
    path("minutes/exports/", minutes.minutes_exports, name="minutes-exports"),
    path(
        "minutes/exports/<int:export_pk>/",
        minutes.minutes_export_download,
        name="minutes-export-download",
    ),
    path("actions/", actions.action_list, name="action-list"),
    path("actions/export.<str:extension>", actions.action_export, name="action-export"),
    path("actions/<int:pk>/", actions.action_detail, name="action-detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action-edit"),
    path("actions/<int:pk>/status/", actions.action_status, name="action-status"),
    path("actions/<int:pk>/comment/", actions.action_comment, name="action-comment"),
    path("actions/done/<str:token>/", actions.action_done_by_token, name="action-done-token"),
]
