from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings.api import views, views_agendas

# Route names carry an "api-" prefix so that they never shadow the page names.
router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="api-meeting")
router.register("invitations", views.MyInvitationViewSet, basename="api-my-invitation")
router.register("agenda-items", views_agendas.AgendaItemViewSet, basename="api-agenda-item")
router.register("agendas", views_agendas.AgendaViewSet, basename="api-agenda")
router.register("minutes", views_agendas.MinutesViewSet, basename="api-minutes")
router.register("action-items", views_agendas.ActionItemViewSet, basename="api-action-item")

urlpatterns = [
    *router.urls,
    path("rsvp/<str:token>/", views.RsvpView.as_view(), name="api-rsvp"),
]
