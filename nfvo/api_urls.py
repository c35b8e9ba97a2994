"""REST API routes (``/api/``)."""
from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("sites", api.SiteViewSet)
router.register("catalogue", api.CatalogueItemViewSet)
router.register("instances", api.ServiceInstanceViewSet)
router.register("jobs", api.JobViewSet)

urlpatterns = [
    path("orders/", api.create_order, name="api-order"),
    path("", include(router.urls)),
]
