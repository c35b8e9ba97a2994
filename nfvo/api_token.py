"""API tokens for automation (DRF's ``rest_framework.authtoken``): ``/api/token/``.

A logged-in user (a session from the login page, or an existing token) gets their token with
POST (created on first call, then the same one) and revokes it with DELETE; scripts then send
``Authorization: Token <key>``. ``manage.py drf_create_token <username>`` makes one from the
command line (``-r`` replaces it). A token acts with its user's roles; both calls are audited.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.views import APIView

from . import access

TOKEN = inline_serializer("ApiToken", {"token": serializers.CharField(), "user": serializers.CharField()})


class TokenView(APIView):
    """The caller's API token: POST gets it (201 when new, 200 when it existed), DELETE revokes it (204)."""

    @extend_schema(request=None, responses={200: TOKEN, 201: TOKEN})
    def post(self, request):
        token, created = Token.objects.get_or_create(user=request.user)
        if created:
            access.audit(request, "create_token", f"user:{request.user}")
        return Response(
            {"token": token.key, "user": request.user.get_username()},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(request=None, responses={204: OpenApiResponse(description="revoked (or there was none)")})
    def delete(self, request):
        deleted, _ = Token.objects.filter(user=request.user).delete()
        if deleted:
            access.audit(request, "revoke_token", f"user:{request.user}")
        return Response(status=status.HTTP_204_NO_CONTENT)
