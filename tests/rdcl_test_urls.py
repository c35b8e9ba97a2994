"""Test URLs for the designer's API when ``config/urls.py`` does not route ``api/rdcl/`` yet."""

from django.urls import include, path

urlpatterns = [
    path("api/rdcl/", include("rdcl.api_urls")),
    path("api/", include("nfvo.api_urls")),
]
