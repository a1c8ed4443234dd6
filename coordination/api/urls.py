from rest_framework.routers import SimpleRouter

from coordination.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="round")

urlpatterns = router.urls
