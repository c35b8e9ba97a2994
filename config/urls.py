"""URL routes: health and metrics (:mod:`nfvo.health`), GUI pages, REST API, admin."""

from django.contrib import admin
from django.urls import include, path

from nfvo import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/rdcl/", include("rdcl.api_urls")),
    path("api/", include("nfvo.api_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("designer/", include("rdcl.urls")),
    path("", include("nfvo.urls")),
]

handler403 = "nfvo.errors.forbidden"
handler404 = "nfvo.errors.not_found"
handler500 = "nfvo.errors.server_error"
