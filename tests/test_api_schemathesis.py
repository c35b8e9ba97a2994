"""Issue 10, class 10 (no 500s): a property-based run of schemathesis over ``/api/schema/``.

Every operation of the OpenAPI document drf-spectacular serves gets generated requests
(Hypothesis, derandomized so CI repeats the same run) through the WSGI application, as a
tenant user and as an admin, each with an API token. Each response must not be a server
error (5xx) and must conform to the schema (a documented status code, and a body that
matches that answer's schema). Bounded: ``RDCL_FUZZ_EXAMPLES`` examples per operation
and role (default 6) and ``RDCL_FUZZ_SECONDS`` (default 600, a bound on a runaway, not a
speed target: under a load of 12 a 150 s bound was reached) for the whole run; operations
not reached in time are reported, and fail the test, so the bound cannot hide a finding.
``RDCL_FUZZ_RANDOM=1`` draws new examples each run (a deeper, non-repeating run).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token

from nfvo import services
from nfvo.models import AuditEntry, Site

from .helpers import member, nothing_remote

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("RDCL_FUZZ_EXAMPLES", "6"))
SECONDS = float(os.environ.get("RDCL_FUZZ_SECONDS", "600"))
RANDOM = os.environ.get("RDCL_FUZZ_RANDOM") == "1"

#: Operations (``METHOD /path``) left out of the run, each with the class of issue 10 whose own
#: part fixes what schemathesis finds there; remove an entry once that part is merged.
EXCLUDED: dict[str, str] = {}


@pytest.fixture
def fuzz(tmp_path) -> dict:
    """A tenant ``user`` and a superuser with API tokens (``tokens``: role -> key), and something
    for them to reach: a site, a published item, an order with its instance and (pending) job, an
    audit entry, a designer project; ``known`` maps path parameter names to those objects' keys,
    per path prefix."""
    from rdcl import services as designer

    url = nothing_remote(tmp_path)
    Site.objects.create(name="edge_a", kind="linux", connection={"rdcl_root": str(tmp_path / "edge_a")})
    item = services.publish_repository(
        "nothing",
        url,
        "main",
        "books",
        {"create": "nothing.yml"},
        ["edge_a"],
        dialog_schema={"type": "object", "properties": {"size": {"type": "integer", "minimum": 1, "default": 1}}},
        queue="fuzz-no-worker",
    )
    user = member("uma", "red")
    order = services.place_order(item, {"size": 2}, "plan", "", user=user, tenant=user.memberships.get().tenant)
    admin = User.objects.create_superuser("root", password="a-long-admin-passphrase")
    audit = AuditEntry.objects.create(user=admin, action="fuzz", target="nothing")
    project = designer.create_from_example(user, "fuzzed", "tosca")
    file = project.files.order_by("id").first()
    known = {
        "/api/audit/": {"id": audit.pk},
        "/api/catalogue/": {"name": item.name},
        "/api/sites/": {"name": "edge_a"},
        "/api/instances/": {"id": order.instance_id},
        "/api/jobs/": {"id": order.jobs.get().pk},
        "/api/orders/": {"id": order.pk},
        "/api/tenants/": {"name": "red", "username": "uma"},
        "/api/rdcl/types/": {"name": "tosca"},
        "/api/rdcl/projects/": {"id": project.pk, "project_pk": project.pk, "view": "topology", "username": "root"},
        "/api/rdcl/projects/{project_pk}/files/": {"project_pk": project.pk, "id": file.pk, "number": 1},
    }
    return {
        "tokens": {"user": Token.objects.create(user=user).key, "admin": Token.objects.create(user=admin).key},
        "known": known,
    }


def _known(path: str, known: dict) -> dict | None:
    """The path parameters of objects that exist for ``path`` (the longest matching prefix), or
    None when the path has none or no object is known for it."""
    if "{" not in path:
        return None
    prefixes = [p for p in known if path.startswith(p.split("{")[0]) and ("{" not in p or path.startswith(p))]
    if not prefixes:
        return None
    values = known[max(prefixes, key=len)]
    names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
    return {n: values[n] for n in names} if all(n in values for n in names) else None


def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(fuzz):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    tokens, known = fuzz["tokens"], fuzz["known"]
    users = {role: Token.objects.get(key=key).user for role, key in tokens.items()}
    findings: list[str] = []
    not_run: list[str] = []
    answered = {role: Counter() for role in tokens}  # role -> status class (2, 4...) -> count
    deadline = time.monotonic() + SECONDS
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API is there
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        if label in EXCLUDED:
            continue
        # generated path parameters (mostly objects that do not exist), then those of objects that
        # do (not for DELETE: the later operations keep their objects)
        runs = [(None, EXAMPLES)]
        fixed = _known(operation.path, known)
        if fixed and operation.method.upper() != "DELETE":
            runs.append((fixed, max(1, EXAMPLES // 2)))
        for role, key in tokens.items():
            for path_parameters, examples in runs:
                name = f"{role} {label}" + (f" {path_parameters}" if path_parameters else "")
                if time.monotonic() > deadline:
                    not_run.append(name)
                    continue

                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    derandomize=not RANDOM,
                    suppress_health_check=list(HealthCheck),
                    phases=[Phase.explicit, Phase.generate],
                )
                @given(case=operation.as_strategy(path_parameters=path_parameters))
                def run(case):  # called below, in this iteration: key and role are this loop's
                    response = case.call_and_validate(
                        headers={"Authorization": f"Token {key}"},  # noqa: B023
                        checks=checks,
                    )
                    answered[role][response.status_code // 100] += 1  # noqa: B023

                try:
                    run()
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # noqa: BLE001 (schemathesis' failure groups too: all collected)
                    findings.append(f"{name}: {exc}")
                finally:
                    Token.objects.get_or_create(key=key, defaults={"user": users[role]})  # DELETE /api/token/ ran
    assert not findings, "\n\n".join(findings)
    for role, counts in answered.items():  # the tokens were accepted: many operations answered 2xx
        assert counts[2] >= 20 and counts[5] == 0, (role, counts)
    assert not not_run, f"not reached within {SECONDS}s: {not_run}"
