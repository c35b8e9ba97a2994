"""Checks on what the translators emit, run before anything is sent to a site.

* HOT: structural check of the Heat Orchestration Template spec
  (``heat_template_version``, ``resources`` with a ``type`` each, and every
  ``get_resource``/``get_param``/``get_attr``/``depends_on`` target defined).
* Kubernetes: each manifest against the OpenAPI schema of a Kubernetes version with
  kubernetes-validate's schemas (strict: unknown fields are errors). A validator is
  built once per kind, API version and Kubernetes version and kept (kubernetes-validate
  itself re-reads its 1.4 MB definitions file for every document). These schemas
  constrain strings only by the ``apiVersion``/``kind`` enums (formats are not
  checked), so a document is valid exactly when its *shape* (keys, value types, those
  two strings) is: shapes found valid are remembered and not walked again. That is
  checked per version when its schemas are loaded; a version where it does not hold
  is validated document by document.
* OpenShift kinds (route.openshift.io/v1 Route, project.openshift.io/v1 Project):
  kubernetes-validate has no schema for them, so they get a structural check of the
  fields OpenShift 4 defines (unknown fields are errors, as in strict mode).
"""

from __future__ import annotations

import re
from collections.abc import Hashable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

import yaml
from packaging.version import InvalidVersion, Version

from .doc import Doc

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

DEFAULT_K8S_VERSION = "1.33.0"


def load_yaml(text: str) -> Any:
    """Parse YAML with LibYAML when PyYAML has it (as tosca-parser does)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def hot_problems(hot_text: str | Doc, nested: bool = False) -> list[str]:
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
    problems = [
        f"resources.{name}: no type" for name, r in resources.items() if not isinstance(r, dict) or not r.get("type")
    ]
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


def _references(
    node: Any, where: str = "", out: list[tuple[str, str, str]] | None = None
) -> list[tuple[str, str, str]]:
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


@lru_cache(maxsize=1)
def k8s_versions() -> tuple[str, ...]:
    """Kubernetes versions kubernetes-validate has schemas for (``1.25.0``...), oldest first
    (read once per process: they are files installed with the package)."""
    from kubernetes_validate import utils

    return tuple(sorted(set(utils.all_versions()), key=Version))


def schema_version(version: str) -> str:
    """The schema version used for ``version``: the newest one not newer than its
    major.minor (as kubernetes-validate picks).

    :raises ValueError: not a version, or newer or older than every schema.
    """
    try:
        wanted = Version(version.lstrip("v"))
    except InvalidVersion:
        raise ValueError(f"{version!r} is not a Kubernetes version such as {DEFAULT_K8S_VERSION}") from None
    known = k8s_versions()
    fits = [v for v in known if Version(v).release[:2] <= wanted.release[:2]]
    if not fits or wanted.release[:2] > Version(known[-1]).release[:2]:
        raise ValueError(
            f"kubernetes-validate has no schema for Kubernetes {version} (it has {known[0]} to {known[-1]})"
        )
    return fits[-1]


class _NoSchema(Exception):
    pass


@cache
def _validator(kind: str, api_version: str, version: str) -> tuple[Validator, bool]:
    """A jsonschema validator for one kind in kubernetes-validate's strict schemas, and
    whether a document's :func:`shape` decides its validity."""
    import jsonschema
    from kubernetes_validate import utils
    from referencing import Registry, Resource

    folder = f"kubernetes-json-schema/v{version}-local-strict"
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = utils.schema_contents(f"{folder}/{kind.lower()}-{group}.json", version)
    except FileNotFoundError:
        raise _NoSchema(f"no schema for kind {kind} with apiVersion {api_version} in Kubernetes {version}") from None
    definitions, by_shape = _definitions(version)
    registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
    validator = jsonschema.validators.Draft202012Validator(schema, registry=registry)
    return validator, by_shape and not _rules_beyond_types(schema)


_TYPE_FIELDS = ("apiVersion", "kind")
#: JSON Schema keywords that constrain values beyond their type.
_VALUE_RULES = (
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
)
_valid_shapes: set[Hashable] = set()


def shape(value: Any, key: str = "") -> Hashable:
    """What a Kubernetes schema sees of ``value``: structure and types, and the strings
    of ``apiVersion``/``kind`` fields (a hashable tuple)."""
    if isinstance(value, dict):
        return ("d",) + tuple(sorted((k, shape(v, k)) for k, v in value.items()))
    if isinstance(value, list):
        return ("l",) + tuple(shape(v) for v in value)
    if isinstance(value, str):
        return ("s", value) if key in _TYPE_FIELDS else "s"
    if isinstance(value, float):
        return "fi" if value.is_integer() else "f"
    return type(value).__name__


def _rules_beyond_types(schema: Doc) -> bool:
    """True when ``schema`` constrains a value other than an ``apiVersion``/``kind``
    string beyond its type (walks ``properties`` by name; property *names* such as
    JSONSchemaProps' ``enum`` field are not rules)."""
    stack: list[tuple[Any, str]] = [(schema, "")]  # (JSON Schema node, property name)
    while stack:
        node, name = stack.pop()
        if isinstance(node, list):
            stack += [(v, "") for v in node]
            continue
        if not isinstance(node, dict):
            continue
        if name not in _TYPE_FIELDS and any(rule in node for rule in _VALUE_RULES):
            return True
        for key, value in node.items():
            if key in ("properties", "patternProperties", "definitions", "$defs") and isinstance(value, dict):
                stack += [(v, k if key == "properties" else "") for k, v in value.items()]
            elif isinstance(value, (dict, list)):
                stack.append((value, ""))
    return False


@cache
def _definitions(version: str) -> tuple[Doc, bool]:
    """kubernetes-validate's strict definitions of ``version``, and whether shapes decide
    validity under them (no rule beyond types but the apiVersion/kind enums)."""
    from kubernetes_validate import utils

    definitions = utils.schema_contents(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version)
    return definitions, not _rules_beyond_types(definitions)


def manifest_problems(docs: list[Doc], version: str = DEFAULT_K8S_VERSION) -> list[str]:
    """Schema errors of manifests (``kind/name: path: message`` each; empty when valid).

    Kubernetes kinds: the OpenAPI schema of Kubernetes ``version`` (kubernetes-validate's
    strict schemas: unknown fields are errors). OpenShift kinds: :func:`openshift_problems`.
    A version kubernetes-validate has no schema for is one problem.
    """
    from jsonschema.exceptions import best_match

    try:
        schemas = schema_version(version)
    except ValueError as exc:
        return [str(exc)]
    problems = []
    for doc in docs:
        where = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}"
        api = str(doc.get("apiVersion", ""))
        if api.split("/")[0] in OPENSHIFT_GROUPS:
            problems += [f"{where}: {p}" for p in openshift_problems(doc)]
            continue
        try:
            validator, by_shape = _validator(str(doc.get("kind", "")), api, schemas)
        except _NoSchema as exc:
            problems.append(f"{where}: {exc}")
            continue
        key = (schemas, shape(doc)) if by_shape else None
        if key is not None and key in _valid_shapes:
            continue
        error = best_match(validator.iter_errors(doc))  # the error jsonschema.validate raises
        if error is not None:
            problems.append(f"{where}: {'.'.join(str(p) for p in error.path)}: {error.message}")
        elif key is not None:
            if len(_valid_shapes) > 100_000:  # a long-lived process: keep the memory bounded
                _valid_shapes.clear()
            _valid_shapes.add(key)
    return problems


# -- OpenShift kinds (no OpenAPI schema in kubernetes-validate) ---------------------

OPENSHIFT_GROUPS = ("route.openshift.io", "project.openshift.io")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_META_FIELDS = {"name", "namespace", "labels", "annotations", "generateName", "finalizers", "ownerReferences"}
_ROUTE_SPEC = {"host", "subdomain", "path", "to", "alternateBackends", "port", "tls", "wildcardPolicy", "httpHeaders"}
_ROUTE_TLS = {
    "termination",
    "certificate",
    "key",
    "caCertificate",
    "destinationCACertificate",
    "insecureEdgeTerminationPolicy",
    "externalCertificate",
}


def openshift_problems(doc: Doc) -> list[str]:
    """Structural problems of an OpenShift 4 Route (route.openshift.io/v1) or Project
    (project.openshift.io/v1): apiVersion and kind, DNS names, field names and types."""
    kind, api = doc.get("kind"), doc.get("apiVersion")
    expected = {"Route": "route.openshift.io/v1", "Project": "project.openshift.io/v1"}
    if kind not in expected or api != expected[kind]:
        return [f"apiVersion {api!r} kind {kind!r} is not an OpenShift kind this check knows ({expected})"]
    problems = [f"{k}: unknown field" for k in sorted(set(doc) - {"apiVersion", "kind", "metadata", "spec", "status"})]
    problems += _metadata_problems(doc.get("metadata"), _DNS_LABEL if kind == "Project" else _DNS_SUBDOMAIN)
    spec = doc.get("spec", {} if kind == "Project" else None)
    if not isinstance(spec, dict):
        return problems + ["spec: must be a mapping"]
    if kind == "Project":
        problems += [f"spec.{k}: unknown field" for k in sorted(set(spec) - {"finalizers"})]
        if not isinstance(spec.get("finalizers", []), list):
            problems.append("spec.finalizers: must be a list")
        return problems
    return problems + _route_spec_problems(spec)


def _metadata_problems(meta: object, name_rule: re.Pattern[str]) -> list[str]:
    if not isinstance(meta, dict):
        return ["metadata: must be a mapping"]
    problems = [f"metadata.{k}: unknown field" for k in sorted(set(meta) - _META_FIELDS)]
    if not isinstance(meta.get("name"), str) or not name_rule.match(meta["name"]):
        problems.append(f"metadata.name: {meta.get('name')!r} is not a valid name")
    for key in ("labels", "annotations"):
        value = meta.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            problems.append(f"metadata.{key}: must map strings to strings")
    return problems


def _route_spec_problems(spec: Doc) -> list[str]:
    problems = [f"spec.{k}: unknown field" for k in sorted(set(spec) - _ROUTE_SPEC)]
    to = spec.get("to")
    if (
        not isinstance(to, dict)
        or to.get("kind", "Service") != "Service"
        or not isinstance(to.get("name"), str)
        or not to["name"]
        or set(to) - {"kind", "name", "weight"}
    ):
        problems.append("spec.to: must be {kind: Service, name, weight?}")
    elif not isinstance(to.get("weight", 0), int) or not 0 <= to.get("weight", 0) <= 256:
        problems.append("spec.to.weight: must be an integer from 0 to 256")
    port = spec.get("port", {"targetPort": 0})
    if (
        not isinstance(port, dict)
        or set(port) != {"targetPort"}
        or isinstance(port["targetPort"], bool)
        or not isinstance(port["targetPort"], (int, str))
    ):
        problems.append("spec.port: must be {targetPort: name or number}")
    for key in ("host", "subdomain", "path"):
        if key in spec and not isinstance(spec[key], str):
            problems.append(f"spec.{key}: must be a string")
    if "path" in spec and isinstance(spec["path"], str) and not spec["path"].startswith("/"):
        problems.append("spec.path: must start with /")
    if spec.get("wildcardPolicy", "None") not in ("None", "Subdomain"):
        problems.append("spec.wildcardPolicy: must be None or Subdomain")
    tls = spec.get("tls")
    if tls is not None:
        if not isinstance(tls, dict) or set(tls) - _ROUTE_TLS:
            problems.append(f"spec.tls: fields must be among {sorted(_ROUTE_TLS)}")
        elif tls.get("termination") not in ("edge", "passthrough", "reencrypt"):
            problems.append("spec.tls.termination: must be edge, passthrough or reencrypt")
        elif tls.get("insecureEdgeTerminationPolicy", "None") not in ("None", "Allow", "Redirect", ""):
            problems.append("spec.tls.insecureEdgeTerminationPolicy: must be None, Allow or Redirect")
    return problems
