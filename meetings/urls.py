from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
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
    path("actions/<int:pk>/status/", views_actions.action_status, name="action-status"),
    path("actions/<int:pk>/comment/", views_actions.action_comment, name="action-comment"),
    path("actions/done/<str:token>/", views_actions.action_done_by_token, name="action-done-token"),
]
