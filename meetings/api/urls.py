from django.urls import path

from coordination.api.routers import ApiRouter
from meetings.api.views import (
    actions,
    agendas,
    invitations,
    minutes,
    panels,
    polls,
    rounds,
    scheduling,
)

# Route names carry an "api-" prefix so that they never shadow the page names.
router = ApiRouter()
router.register("meetings", scheduling.MeetingViewSet, basename="api-meeting")
router.register("invitations", invitations.MyInvitationViewSet, basename="api-my-invitation")
router.register("agenda-items", agendas.AgendaItemViewSet, basename="api-agenda-item")
router.register("agendas", agendas.AgendaViewSet, basename="api-agenda")
router.register("minutes", minutes.MinutesViewSet, basename="api-minutes")
router.register("action-items", actions.ActionItemViewSet, basename="api-action-item")
router.register("volunteer-pool", panels.VolunteerPoolViewSet, basename="api-volunteer-pool")
router.register(
    "volunteer-pool/without-contact",
    panels.VolunteerWithoutContactViewSet,
    basename="api-volunteer-without-contact",
)

urlpatterns = [
    *router.urls,
    path("rsvp/<str:token>/", invitations.RsvpView.as_view(), name="api-rsvp"),
    path(
        "rounds/<int:round_pk>/draw-feasibility/",
        panels.RoundDrawFeasibilityView.as_view(),
        name="api-round-draw-feasibility",
    ),
    path(
        "rounds/<int:round_pk>/draws/", panels.RoundDrawListView.as_view(), name="api-round-draws"
    ),
    path(
        "rounds/<int:round_pk>/draws/<int:pk>/",
        panels.RoundDrawDetailView.as_view(),
        name="api-round-draw",
    ),
    path(
        "rounds/<int:round_pk>/alternates/",
        panels.RoundAlternatesView.as_view(),
        name="api-round-alternates",
    ),
    path(
        "meetings/<int:pk>/alternates/next/",
        panels.SessionAlternateNextView.as_view(),
        name="api-session-alternate-next",
    ),
    path("meetings/<str:pk>/poll/", polls.TimePollView.as_view(), name="api-time-poll"),
    path(
        "meetings/<str:pk>/poll/choose/",
        polls.TimePollChooseView.as_view(),
        name="api-time-poll-choose",
    ),
    path(
        "meetings/<str:pk>/poll/remind/",
        polls.TimePollRemindView.as_view(),
        name="api-time-poll-remind",
    ),
    path(
        "rounds/<str:pk>/feedback/", rounds.RoundFeedbackView.as_view(), name="api-round-feedback"
    ),
    path("rounds/<str:pk>/report-back/", rounds.ReportBackView.as_view(), name="api-report-back"),
    path(
        "rounds/<str:pk>/report-back/send/",
        rounds.ReportBackSendView.as_view(),
        name="api-report-back-send",
    ),
]
