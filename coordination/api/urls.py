from rest_framework.routers import SimpleRouter

from coordination.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="api-working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="api-round")

urlpatterns = router.urls
