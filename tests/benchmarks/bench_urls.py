"""The benchmark's URLs: the bare views (``bare_pages``) beside every URL of the project."""

from django.urls import include, path

from tests.benchmarks.bare_pages import bare_urlpatterns

urlpatterns = [*bare_urlpatterns(), path("", include("coordination.urls"))]
