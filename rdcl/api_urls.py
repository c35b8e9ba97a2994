"""REST API routes of the designer (``/api/rdcl/``).

``types/``, ``types/<name>/``, ``types/<name>/check-link/``; ``projects/`` (and
``projects/import/``), ``projects/<id>/`` with ``save/`` (several files at once), ``validate/``,
``download/``, ``csar/``,
``graph/<view>/``, ``graph/<view>/positions/``, ``check-link/``, ``shares/``,
``shares/<username>/``; ``projects/<id>/files/`` and ``projects/<id>/files/<file id>/`` with
``revisions/``, ``revisions/<n>/``, ``revisions/<n>/restore/``, ``diff/``, ``download/``.
"""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("types", api.ProjectTypeViewSet, basename="rdcl-type")
router.register("projects", api.ProjectViewSet, basename="rdcl-project")
router.register(r"projects/(?P<project_pk>[0-9]+)/files", api.FileViewSet, basename="rdcl-file")

urlpatterns = [
    path("", include(router.urls)),
]
