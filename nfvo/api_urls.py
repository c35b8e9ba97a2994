"""REST API routes (``/api/``)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import api
from .api_token import TokenView

router = DefaultRouter()
router.register("sites", api.SiteViewSet)
router.register("catalogue", api.CatalogueItemViewSet, basename="catalogueitem")
router.register("instances", api.ServiceInstanceViewSet, basename="serviceinstance")
router.register("orders", api.OrderViewSet, basename="order")
router.register("jobs", api.JobViewSet, basename="job")
router.register("tenants", api.TenantViewSet, basename="tenant")
router.register("audit", api.AuditViewSet)
router.register("publications", api.PublicationViewSet, basename="publication")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("token/", TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
]
