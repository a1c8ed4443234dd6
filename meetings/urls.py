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
