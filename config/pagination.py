"""Pagination of every REST API list (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``)."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` (DRF's), with ``limit`` capped at :attr:`max_limit` rows: a larger
    one is served as the cap (a limit past what the database's integers hold was a 500)."""

    default_limit = 100
    max_limit = 1000
