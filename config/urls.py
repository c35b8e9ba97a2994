"""URL routes: health and metrics (:mod:`nfvo.health`), GUI pages, REST API, admin."""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from nfvo import health


class FaviconRedirect(RedirectView):
    """``/favicon.ico``, which a browser asks for on a page that names no icon (a JSON
    answer, the admin, the login page's first paint): the console's SVG icon, not a 404."""

    def get_redirect_url(self, *args, **kwargs) -> str:
        """The static URL of ``nfvo/favicon.svg`` (hashed where the storage hashes)."""
        return static("nfvo/favicon.svg")


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
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
