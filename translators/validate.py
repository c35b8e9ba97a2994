"""Checks on what the translators emit, run before anything is sent to a site.

* HOT: structural check of the Heat Orchestration Template spec
  (``heat_template_version``, ``resources`` with a ``type`` each, and every
  ``get_resource``/``get_param``/``get_attr``/``depends_on`` target defined).
* Kubernetes: each manifest against the OpenAPI schema of a Kubernetes version with
  kubernetes-validate (strict: unknown fields are errors).
"""
from __future__ import annotations

import yaml

DEFAULT_K8S_VERSION = "1.33.0"


def load_yaml(text: str):
    """Parse YAML with LibYAML when PyYAML has it (as tosca-parser does)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def hot_problems(hot_text: str | dict, nested: bool = False) -> list[str]:
    """Problems in a HOT document (empty list when it is well formed).

    ``nested``: a template used as a resource type (e.g. by an AutoScalingGroup); it may
    reference parameters its parent passes in.
    """
    try:
        hot = load_yaml(hot_text) if isinstance(hot_text, str) else hot_text
    except yaml.YAMLError as exc:
        return [f"not YAML: {' '.join(str(exc).split())}"]
    if not isinstance(hot, dict) or "heat_template_version" not in hot:
        return ["heat_template_version is missing"]
    resources = hot.get("resources")
    if not isinstance(resources, dict) or not resources:
        return ["resources is missing or empty"]
    params = set((hot.get("parameters") or {}).keys())
    problems = [f"resources.{name}: no type" for name, r in resources.items()
                if not isinstance(r, dict) or not r.get("type")]
    for where, fn, target in _references(hot):
        known = params if fn == "get_param" else resources
        if target not in known:
            problems.append(f"{where}: {fn} {target!r} is not defined")
    for name, r in resources.items():
        deps = (r or {}).get("depends_on") or []
        for dep in [deps] if isinstance(deps, str) else deps:
            if dep not in resources:
                problems.append(f"resources.{name}.depends_on: {dep!r} is not defined")
    return problems


def _references(node, where="", out=None):
    out = [] if out is None else out
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("get_resource", "get_param", "get_attr"):
                target = value[0] if isinstance(value, list) and value else value
                if isinstance(target, str):
                    out.append((where, key, target))
            _references(value, f"{where}.{key}" if where else str(key), out)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _references(value, f"{where}[{i}]", out)
    return out


def manifest_problems(docs: list[dict], version: str = DEFAULT_K8S_VERSION) -> list[str]:
    """Schema errors of Kubernetes manifests (``kind/name: message`` each)."""
    import kubernetes_validate

    problems = []
    for doc in docs:
        where = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            problems.append(f"{where}: {path}: {exc.message}")
        except (kubernetes_validate.SchemaNotFoundError, kubernetes_validate.InvalidSchemaError) as exc:
            problems.append(f"{where}: {exc}")
    return problems
