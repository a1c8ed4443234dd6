from django.urls import path
from rest_framework.routers import SimpleRouter

from meetings.api import views

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("invitations", views.MyInvitationViewSet, basename="my-invitation")

urlpatterns = [
    *router.urls,
    path("rsvp/<str:token>/", views.RsvpView.as_view(), name="api-rsvp"),
]
