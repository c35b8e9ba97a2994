"""drf-spectacular post-processing: every error answer documented as a problem.

Every error is RFC 9457 problem details (``application/problem+json``, :mod:`config.problems`).
DRF answers 401 (no or bad credentials: ``WWW-Authenticate: Token``) and 403 (a role that
does not allow it) on any operation, 404 on any operation with a path parameter (objects of
other tenants too) and 400 with the invalid fields (``errors: {field: [message, ...]}``) on
any operation that reads a body or a query; views document their other answers themselves.
Here each operation gets the ones it lacks, and every 4xx/5xx answer is given the problem
media type: the schema a view gave (:class:`rdcl.serializers.RefusedSerializer`...), or the
generic :data:`PROBLEM`.
"""

from __future__ import annotations

from config.problems import MEDIA_TYPE

#: The component every error answer without a schema of its own refers to.
NAME = "ProblemDetails"
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details; members beyond the five standard ones depend on the type",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "the problem kind: a tag URI, or about:blank"},
        "title": {"type": "string", "description": "the kind in words"},
        "status": {"type": "integer", "description": "the HTTP status"},
        "detail": {"type": "string", "description": "this occurrence in words"},
        "instance": {"type": "string", "description": "the request's path"},
        "errors": {
            "description": "the invalid fields: {field: [message, ...]} (nested for nested fields)",
            "oneOf": [{"type": "object", "additionalProperties": {}}, {"type": "array", "items": {}}],
        },
        "problems": {
            "type": "array",
            "description": "located descriptor problems",
            "items": {
                "type": "object",
                "required": ["file", "path", "line", "rule", "message"],
                "properties": {
                    "file": {"type": "string"},
                    "path": {"type": "string"},
                    "line": {"type": "integer", "nullable": True},
                    "rule": {"type": "string"},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": {},
}
REF = {"$ref": f"#/components/schemas/{NAME}"}


def _answer(description: str) -> dict:
    return {"description": description}


def _as_problem(answer: dict) -> None:
    """The answer's content as the problem media type: the schema it had, or :data:`PROBLEM`."""
    content = answer.get("content") or {}
    schema = next((media.get("schema") for media in content.values() if media.get("schema")), None)
    answer["content"] = {MEDIA_TYPE: {"schema": schema or REF}}


def error_responses(result: dict, generator, request, public) -> dict:
    """``SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]`` entry: adds the 400/401/403/404 answers
    an operation lacks and makes every error answer a problem (module docstring); returns the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})[NAME] = PROBLEM
    for path, methods in (result.get("paths") or {}).items():
        for operation in methods.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            answers = operation["responses"]
            answers.setdefault("401", _answer("not authenticated"))
            answers.setdefault("403", _answer("not allowed for your role"))
            if "{" in path:
                answers.setdefault("404", _answer("no such object (or not yours to see)"))
            if "requestBody" in operation or any(p.get("in") == "query" for p in operation.get("parameters", [])):
                answers.setdefault("400", _answer("invalid request"))
            for code, answer in answers.items():
                if str(code)[:1] in ("4", "5"):
                    _as_problem(answer)
    return result
