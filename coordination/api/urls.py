from django.urls import path

from coordination.api import views
from coordination.api.routers import ApiRouter

# Route names carry an "api-" prefix so that they never shadow the page names.
router = ApiRouter()
router.register("organisations", views.OrganisationViewSet, basename="api-organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="api-working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="api-round")

urlpatterns = [
    *router.urls,
    path("survey-imports/", views.SurveyImportView.as_view(), name="survey-import-api"),
    path(
        "survey-imports/<uuid:token>/",
        views.SurveyImportJobView.as_view(),
        name="survey-import-job-api",
    ),
]
