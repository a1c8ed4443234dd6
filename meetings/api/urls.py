from rest_framework.routers import SimpleRouter

from meetings.api import views, views_agendas

router = SimpleRouter()
router.register("meetings", views.MeetingViewSet, basename="meeting")
# Issue 5: agendas, minutes and action items.
router.register("agenda-items", views_agendas.AgendaItemViewSet, basename="agenda-item")
router.register("agendas", views_agendas.AgendaViewSet, basename="agenda")
router.register("minutes", views_agendas.MinutesViewSet, basename="minutes")
router.register("action-items", views_agendas.ActionItemViewSet, basename="action-item")

urlpatterns = router.urls
