from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings.api import views

router = SimpleRouter()
router.register(
    "meetings", views.MeetingViewSet, basename="api-meeting"
)  # page names "meeting-*" win
router.register("invitations", views.MyInvitationViewSet, basename="api-my-invitation")

urlpatterns = [
    *router.urls,
    path("rsvp/<str:token>/", views.RsvpView.as_view(), name="api-rsvp"),
]
