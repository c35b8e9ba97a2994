"""Request body parsers of the API (``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``).

:class:`LimitedJSONParser` is DRF's JSON parser held to limits: the body's size
(``RDCL_API_MAX_JSON_BYTES``, 413 when over), its nesting depth (``RDCL_PARSE_MAX_DEPTH``
of :mod:`translators.limits`, checked on the text before anything is built, so a body
nested 50,000 deep is a 400 and not a ``RecursionError``), and strings holding a lone
UTF-16 surrogate (``"\\ud800"``: valid JSON text but not Unicode, RFC 8259 §8.2; stored, it
breaks every later read of the row).

:class:`ParseBudgetMiddleware` gives each request one budget of expanded YAML nodes
(``RDCL_PARSE_MAX_REQUEST_NODES``, :func:`translators.limits.request_budget`) shared by all
the documents it makes the server read.
"""

from __future__ import annotations

import codecs

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

from translators import limits


class RequestTooLarge(APIException):
    """413: the request body is over a size limit (the detail names it)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "request body too large"
    default_code = "too_large"


class LimitedJSONParser(JSONParser):
    """DRF's :class:`~rest_framework.parsers.JSONParser` with the limits of the module doc.

    :raises RequestTooLarge: over ``RDCL_API_MAX_JSON_BYTES`` bytes (413).
    :raises ParseError: not UTF-8, not JSON, nested deeper than the limit, or a lone
        surrogate (400; the detail names the limit or the problem).
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        most = settings.RDCL_API_MAX_JSON_BYTES
        raw = stream.read(most + 1) if stream is not None else b""
        if len(raw) > most:
            raise RequestTooLarge(f"request body over {most} bytes (RDCL_API_MAX_JSON_BYTES)")
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"JSON parse error - not {encoding} text: {exc}") from None
        try:
            limits.check_json(text, limits.Limits(bytes=most))
        except limits.LimitError as exc:
            raise (RequestTooLarge if exc.status == 413 else ParseError)(f"refused: {exc.message}") from None
        try:
            data = json.loads(text, parse_constant=json.strict_constant if self.strict else None)
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if limits.lone_surrogates(text, data):
            raise ParseError(
                "JSON parse error - a string holds a lone UTF-16 surrogate (\\ud800-\\udfff "
                "without its pair): not Unicode text"
            )
        return data


class ParseBudgetMiddleware:
    """Serve each request inside :func:`translators.limits.request_budget` (Django middleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with limits.request_budget():
            return self.get_response(request)
