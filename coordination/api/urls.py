from django.urls import path
from rest_framework.routers import SimpleRouter

from coordination.api import views

router = SimpleRouter()
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("working-groups", views.WorkingGroupViewSet, basename="working-group")
router.register("rounds", views.ConsultationRoundViewSet, basename="round")
router.register("volunteer-pool", views.VolunteerPoolViewSet, basename="volunteer-pool")
router.register(
    "volunteer-pool/without-contact",
    views.VolunteerWithoutContactViewSet,
    basename="volunteer-without-contact",
)

urlpatterns = [
    *router.urls,
    path("survey-imports/", views.SurveyImportView.as_view(), name="survey-import-api"),
]
