"""drf-spectacular post-processing: the error answers every operation can give, documented.

DRF answers 401 (no or bad credentials: ``WWW-Authenticate: Token``) and 403 (a role that
does not allow it) on any operation, 404 on any operation with a path parameter (objects of
other tenants too) and 400 with the invalid fields (``{field: [message, ...]}``) on any
operation that reads a body or a query; views document their other answers themselves.
"""

from __future__ import annotations

DETAIL = {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
INVALID = {
    "type": "object",
    "description": "the invalid fields: {field: [message, ...]} (nested for nested fields)",
    "additionalProperties": {},
}


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def error_responses(result: dict, generator, request, public) -> dict:
    """``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` entry: adds the 400/401/403/404 answers
    an operation lacks (see the module docstring); returns the schema."""
    for path, methods in (result.get("paths") or {}).items():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = operation["responses"]
            answers.setdefault("401", _answer("not authenticated", DETAIL))
            answers.setdefault("403", _answer("not allowed for your role", DETAIL))
            if "{" in path:
                answers.setdefault("404", _answer("no such object (or not yours to see)", DETAIL))
            if "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", [])):
                answers.setdefault("400", _answer("invalid request", INVALID))
    return result
