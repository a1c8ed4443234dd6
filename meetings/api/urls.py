from rest_framework.routers import SimpleRouter

from meetings.api import views, views_agendas

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="api-meeting")
# Issue 5: agendas, minutes and action items.
router.register("agenda-items", views_agendas.AgendaItemViewSet, basename="api-agenda-item")
router.register("agendas", views_agendas.AgendaViewSet, basename="api-agenda")
router.register("minutes", views_agendas.MinutesViewSet, basename="api-minutes")
router.register("action-items", views_agendas.ActionItemViewSet, basename="api-action-item")

urlpatterns = router.urls
