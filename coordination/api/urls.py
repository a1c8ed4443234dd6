from django.urls import path
from rest_framework.routers import SimpleRouter

from coordination.api import views

# Route names carry an "api-" prefix so that they never shadow the page names.
router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="api-working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="api-round")

urlpatterns = [
    *router.urls,
    path("survey-imports/", views.SurveyImportView.as_view(), name="survey-import-api"),
]
