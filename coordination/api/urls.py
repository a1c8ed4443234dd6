from django.urls import path
from rest_framework.routers import SimpleRouter

from coordination.api import views

# Route names carry an "api-" prefix so that they never shadow the page names.
router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="api-working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="api-round")
router.register("volunteer-pool", views.VolunteerPoolViewSet, basename="api-volunteer-pool")
router.register(
    "volunteer-pool/without-contact",
    views.VolunteerWithoutContactViewSet,
    basename="api-volunteer-without-contact",
)

urlpatterns = [
    *router.urls,
    path("survey-imports/", views.SurveyImportView.as_view(), name="survey-import-api"),
]
