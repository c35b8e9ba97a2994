"""Issue 10, class 10 (no 500s): a property-based run of schemathesis over ``/api/schema/``.

Every operation of the OpenAPI document drf-spectacular serves gets generated requests
(Hypothesis, derandomized so CI repeats the same run) through the WSGI application, as a
tenant user and as an admin, each with an API token. Each response must not be a server
error (5xx) and must conform to the schema (a documented status code, and a body that
matches that answer's schema). Bounded: ``RDCL_FUZZ_EXAMPLES`` examples per operation
and role (default 6) and ``RDCL_FUZZ_SECONDS`` (default 150) for the whole run; operations
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
from nfvo.models import Site
from translators.publish import init_remote, publish_files

from .helpers import member

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("RDCL_FUZZ_EXAMPLES", "6"))
SECONDS = float(os.environ.get("RDCL_FUZZ_SECONDS", "150"))
RANDOM = os.environ.get("RDCL_FUZZ_RANDOM") == "1"

#: Operations (``METHOD /path``) left out of the run, each with the class of issue 10 whose own
#: part fixes what schemathesis finds there; remove an entry once that part is merged.
EXCLUDED: dict[str, str] = {}


@pytest.fixture
def tokens(tmp_path) -> dict[str, str]:
    """A tenant ``user`` and a superuser with API tokens, and something for them to look at: a
    site, a published item, an order with its instance and (pending) job, a designer project."""
    from rdcl import services as designer

    url = init_remote(tmp_path / "books.git")
    publish_files({"nothing.yml": "- hosts: all\n  gather_facts: false\n  tasks: []\n"}, "books", "nothing.yml",
                  url, tmp_path / "work")
    Site.objects.create(name="edge_a", kind="linux", connection={"rdcl_root": str(tmp_path / "edge_a")})
    item = services.publish_repository("nothing", url, "main", "books", {"create": "nothing.yml"}, ["edge_a"],
                                       dialog_schema={"type": "object", "properties": {
                                           "size": {"type": "integer", "minimum": 1, "default": 1}}},
                                       queue="fuzz-no-worker")
    user = member("uma", "red")
    services.place_order(item, {"size": 2}, "plan", "", user=user, tenant=user.memberships.get().tenant)
    admin = User.objects.create_superuser("root", password="a-long-admin-passphrase")
    designer.create_from_example(user, "fuzzed", "tosca")
    return {"user": Token.objects.create(user=user).key, "admin": Token.objects.create(user=admin).key}


def test_schemathesis_finds_no_server_error_and_no_response_off_the_schema(tokens):
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    checks = [not_a_server_error, status_code_conformance, response_schema_conformance]
    findings: list[str] = []
    answered = {role: Counter() for role in tokens}  # role -> status class (2, 4...) -> count
    took: dict[str, float] = {}
    users = {role: Token.objects.get(key=key).user for role, key in tokens.items()}
    not_run: list[str] = []
    deadline = time.monotonic() + SECONDS
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40  # the whole API is there
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"
        if label in EXCLUDED:
            continue
        for role, key in tokens.items():
            if time.monotonic() > deadline:
                not_run.append(f"{role} {label}")
                continue

            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not RANDOM,
                      suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
            @given(case=operation.as_strategy())
            def run(case):
                response = case.call_and_validate(headers={"Authorization": f"Token {key}"}, checks=checks)
                answered[role][response.status_code // 100] += 1

            started = time.monotonic()
            try:
                run()
            except (KeyboardInterrupt, SystemExit):
                raise
            except BaseException as exc:  # noqa: BLE001 (schemathesis' failure groups too: all collected)
                findings.append(f"{role} {label}: {exc}")
            finally:
                Token.objects.get_or_create(key=key, defaults={"user": users[role]})  # DELETE /api/token/ ran
                took[f"{role} {label}"] = time.monotonic() - started
    assert not findings, "\n\n".join(findings)
    for role, counts in answered.items():  # the tokens were accepted: many operations answered 2xx
        assert counts[2] >= 20 and counts[5] == 0, (role, counts)
    slowest = sorted(took.items(), key=lambda kv: -kv[1])[:5]
    assert not not_run, f"not reached within {SECONDS}s: {not_run}; slowest: {slowest}"
