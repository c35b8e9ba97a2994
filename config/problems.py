"""Every API error as one shape: RFC 9457 problem details (``application/problem+json``).

:func:`exception_handler` is ``REST_FRAMEWORK["EXCEPTION_HANDLER"]``; :func:`problem_response`
answers the same body from the designer's plain Django JSON views. A body is::

    {"type": URI, "title": str, "status": int, "detail": str, "instance": path,
     "errors"?: {field: [message, ...] | {...}},     # the request's invalid fields
     "problems"?: [{file, path, line, rule, message}],  # located descriptor problems
     ...}                                             # members the error kind adds

* :class:`ApiError` subclasses (the root errors ``nfvo.exceptions.NfvoError`` and
  ``rdcl.exceptions.RdclError``) carry their ``status``, a stable ``type`` (a tag URI,
  :func:`type_uri`) and ``title``; ``detail`` is the occurrence's message.
* DRF's own errors keep their status and headers (``WWW-Authenticate`` on 401,
  ``Retry-After`` on 429); ``ValidationError`` is ``type`` :data:`INVALID` with its
  per-field messages in ``errors``, the others ``about:blank`` titled with the HTTP phrase
  (RFC 9457 §4.2.1). Django's ``Http404`` and ``PermissionDenied`` come through DRF as 404/403.
* Anything else is a fault of ours: logged with its traceback (logger ``config.problems``) and
  answered 500 with a fixed detail; the body never carries the exception's text.

The model is Tacker's ``SolException.make_problem_details`` (status and title on the class,
detail per occurrence).
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, ClassVar

from django.http import JsonResponse
from rest_framework import exceptions as drf
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_handler
from rest_framework.views import set_rollback

log = logging.getLogger(__name__)

MEDIA_TYPE = "application/problem+json"
#: The tagging entity of every ``type`` URI (RFC 4151 tag URIs: stable, not dereferenced).
TAG = "tag:rdcl-nfvo,2026:problem/"
#: ``about:blank``: the problem is no more than its HTTP status (RFC 9457 §4.2.1).
BLANK = "about:blank"


def type_uri(slug: str) -> str:
    """The ``type`` of a problem kind: ``tag:rdcl-nfvo,2026:problem/<slug>``."""
    return TAG + slug


INVALID = type_uri("invalid-request")
FAULT_DETAIL = "a fault on our side; the request's details are in the server log"


class ApiError(Exception):
    """An error the API answers as a problem: ``status`` (HTTP), ``slug`` (its ``type`` is
    :func:`type_uri` of it) and ``title`` on the class, ``detail`` (``str(exc)``) per occurrence.

    ``field`` names the request field at fault, when one is (the answer then also has
    ``errors: {field: [detail]}``, as DRF's validation errors do); ``status`` may be given
    per occurrence where one error means two things (a ref gone: 400 when publishing, 409
    for an item already published). Subclasses add members with :meth:`extra`.
    """

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    field: str | None = None

    def __init__(self, detail: str = "", *, field: str | None = None, status: int | None = None):
        super().__init__(detail or self.title)
        if field is not None:
            self.field = field
        if status is not None:
            self.status = status  # type: ignore[misc]  # an occurrence's status over the class's

    @property
    def detail(self) -> str:
        return str(self.args[0]) if self.args else self.title

    def extra(self) -> dict[str, Any]:
        """Members beyond type/title/status/detail/instance (``errors``, ``problems``...)."""
        return {"errors": {self.field: [self.detail]}} if self.field else {}

    def problem(self, instance: str = "") -> dict[str, Any]:
        """The problem details body of this error."""
        return body(type_uri(self.slug), self.title, self.status, self.detail, instance, **self.extra())


def body(type_: str, title: str, status: int, detail: str, instance: str = "", **extra: Any) -> dict[str, Any]:
    """A problem details object (RFC 9457 §3): the five standard members, then ``extra``."""
    out: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail}
    if instance:
        out["instance"] = instance
    out.update(extra)
    return out


def _summary(errors: Any) -> str:
    """One line for DRF validation ``errors`` (``{field: [msg]}``, nested, or a list)."""
    if isinstance(errors, dict):
        parts = [
            f"{k}: {_summary(v)}" if k != api_settings.NON_FIELD_ERRORS_KEY else _summary(v) for k, v in errors.items()
        ]
        return "; ".join(parts)
    if isinstance(errors, list):
        return "; ".join(_summary(e) for e in errors)
    return str(errors)


def of_exception(exc: BaseException, instance: str = "") -> dict[str, Any]:
    """The problem details body for ``exc`` (any exception; see the module doc)."""
    if isinstance(exc, ApiError):
        return exc.problem(instance)
    if isinstance(exc, drf.ValidationError):
        errors = exc.detail
        return body(INVALID, "Invalid request", 400, _summary(errors) or "invalid request", instance, errors=errors)
    if isinstance(exc, drf.APIException):
        status = exc.status_code
        detail = exc.detail
        text = detail if isinstance(detail, str) else _summary(detail)
        return body(BLANK, HTTPStatus(status).phrase, status, str(text), instance)
    return body(BLANK, HTTPStatus(500).phrase, 500, FAULT_DETAIL, instance)


def _instance(request) -> str:
    return request.get_full_path() if request is not None else ""


def exception_handler(exc: Exception, context: dict) -> Response:
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: every exception of a DRF view as a problem.

    DRF's handler runs first (it maps Django's ``Http404``/``PermissionDenied``, sets
    ``WWW-Authenticate``/``Retry-After`` and rolls back the atomic request); its body is
    replaced. An exception it does not know is logged with its traceback and answered 500.
    """
    request = context.get("request")
    response = drf_handler(exc, context)
    if response is None:
        set_rollback()
        if isinstance(exc, ApiError):
            response = Response(status=exc.status)
        else:
            view = context.get("view")
            log.error("unhandled %s in %s", type(exc).__name__, type(view).__name__ if view else "?", exc_info=exc)
            response = Response(status=500)
    known: BaseException = exc
    if response.status_code == 404 and not isinstance(exc, (drf.APIException, ApiError)):
        known = drf.NotFound(str(exc) or drf.NotFound.default_detail)
    elif response.status_code == 403 and not isinstance(exc, (drf.APIException, ApiError)):
        known = drf.PermissionDenied(str(exc) or drf.PermissionDenied.default_detail)
    response.data = of_exception(known, _instance(request))
    renderer = getattr(request, "accepted_renderer", None)
    if renderer is None or isinstance(renderer, JSONRenderer):
        response.content_type = MEDIA_TYPE
    return response


def problem_response(exc: BaseException, request=None) -> JsonResponse:
    """The problem for ``exc`` as a plain Django response (views outside DRF)."""
    data = of_exception(exc, _instance(request))
    return JsonResponse(data, status=data["status"], content_type=MEDIA_TYPE)


class ProblemDetailsSerializer(serializers.Serializer):
    """The standard members of a problem (for the OpenAPI document; kinds extend it)."""

    type = serializers.CharField(help_text="the problem kind: a tag URI, or about:blank")
    title = serializers.CharField(help_text="the kind in words (the same for each occurrence)")
    status = serializers.IntegerField(help_text="the HTTP status")
    detail = serializers.CharField(help_text="this occurrence in words")
    instance = serializers.CharField(required=False, help_text="the request's path")
