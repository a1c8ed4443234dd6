from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("meetings/", views.MeetingListView.as_view(), name="meeting-list"),
    path("meetings/<int:pk>/", views.MeetingDetailView.as_view(), name="meeting-detail"),
    path("my-data/", views.MyDataView.as_view(), name="my-data"),
    path("my-data.json", views.PersonalDataDownloadView.as_view(), name="my-data-download"),
    path(
        "contacts/<int:pk>/personal-data.json",
        views.PersonalDataDownloadView.as_view(),
        name="contact-data-download",
    ),
]

# --- Consultation reports (issue 6) -----------------------------------------------------------
from meetings.reports import views as report_views  # noqa: E402

urlpatterns += [
    path(
        "rounds/<int:round_pk>/report/",
        report_views.ReportOverviewView.as_view(),
        name="round-report",
    ),
    path(
        "rounds/<int:round_pk>/report/generate/",
        report_views.ReportGenerateView.as_view(),
        name="round-report-generate",
    ),
    path(
        "rounds/<int:round_pk>/report/sections/",
        report_views.ReportSectionsView.as_view(),
        name="round-report-sections",
    ),
    path(
        "rounds/<int:round_pk>/report/preview/",
        report_views.ReportPreviewView.as_view(),
        name="round-report-preview",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/",
        report_views.ReportPreviewView.as_view(),
        name="round-report-version",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.pdf",
        report_views.ReportDownloadView.as_view(),
        {"fmt": "pdf"},
        name="round-report-pdf",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/report.docx",
        report_views.ReportDownloadView.as_view(),
        {"fmt": "docx"},
        name="round-report-docx",
    ),
    path(
        "rounds/<int:round_pk>/report/versions/<int:number>/finalise/",
        report_views.ReportFinaliseView.as_view(),
        name="round-report-finalise",
    ),
]
