"""Root URL configuration (the project package) and the pages of the ``coordination`` app.
``meetings`` is included by dotted string so that this package never imports it."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from coordination import views


def api_schema(request, *args, **kwargs):
    """The OpenAPI schema (drf-spectacular's views are imported on the first request, not at
    start-up: they weigh a tenth of a second)."""
    from drf_spectacular.views import SpectacularAPIView

    return SpectacularAPIView.as_view()(request, *args, **kwargs)


def api_docs(request, *args, **kwargs):
    from drf_spectacular.views import SpectacularSwaggerSplitView

    return SpectacularSwaggerSplitView.as_view(url_name="api-schema")(request, *args, **kwargs)


api_urlpatterns = [
    path("", include("coordination.api.urls")),
    path("", include("meetings.api.urls")),
    path("schema/", api_schema, name="api-schema"),
    path("docs/", api_docs, name="api-docs"),
]

urlpatterns = [
    path("", include("meetings.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("audit/", views.AuditTrailView.as_view(), name="audit-trail"),
    path("privacy/", views.PrivacyNoticeView.as_view(), name="privacy-notice"),
    path(
        "privacy/record-of-processing.md",
        views.RecordOfProcessingView.as_view(),
        name="record-of-processing",
    ),
    path("consents/<str:token>/", views.ConsentsPageView.as_view(), name="consents-page"),
    path("i18n/setlang/", views.LanguageSwitchView.as_view(), name="set_language"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<int:pk>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("groups/", views.WorkingGroupListView.as_view(), name="working-group-list"),
    path("groups/<int:pk>/", views.WorkingGroupDetailView.as_view(), name="working-group-detail"),
    path(
        "groups/<int:pk>/contacts/",
        views.WorkingGroupContactLookupView.as_view(),
        name="working-group-contacts",
    ),
    path("rounds/", views.RoundListView.as_view(), name="round-list"),
    path("rounds/new/", views.RoundCreateView.as_view(), name="round-create"),
    path("rounds/<int:pk>/", views.RoundDetailView.as_view(), name="round-detail"),
    path("rounds/<int:pk>/edit/", views.RoundEditView.as_view(), name="round-edit"),
    path("api/", include(api_urlpatterns)),
    path("admin/", admin.site.urls),
]

urlpatterns += [
    path("survey/import/", views.SurveyImportView.as_view(), name="survey-import"),
    path(
        "survey/import/<uuid:token>/",
        views.SurveyImportJobView.as_view(),
        name="survey-import-job",
    ),
    path("survey/results/", views.SurveyResultsView.as_view(), name="survey-results"),
    path(
        "survey/results/<int:number>/",
        views.SurveyQuestionResultsView.as_view(),
        name="survey-question",
    ),
    path(
        "survey/results/<int:number>/export.csv",
        views.SurveyQuestionResultsView.as_view(),
        {"export": "csv"},
        name="survey-question-csv",
    ),
    path(
        "survey/results/<int:number>/export.xlsx",
        views.SurveyQuestionResultsView.as_view(),
        {"export": "xlsx"},
        name="survey-question-xlsx",
    ),
]

handler404 = "coordination.views.page_not_found"
