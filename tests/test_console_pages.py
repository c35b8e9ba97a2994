"""Console pages without a browser: paginated and filtered lists, the 403/404 pages, the
navigation by role, dialog errors located at their field, what the order form's spec leaves
out, the job page's host list and the 'no worker' answer."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from nfvo import dialog, workers
from nfvo.models import CatalogueItem, Job, JobEvent, ServiceInstance, Tenant

from .helpers import member

pytestmark = pytest.mark.django_db


@pytest.fixture()
def instances():
    """33 instances of tenant red (the last 5 failed) and 1 of tenant blue."""
    item = CatalogueItem.objects.create(name="svc", repository="r", playbooks={"create": "c.yml"})
    red, blue = Tenant.objects.create(name="red"), Tenant.objects.create(name="blue")
    rows = [ServiceInstance(item=item, tenant=red, name=f"red-{n}", state="active") for n in range(28)]
    rows += [ServiceInstance(item=item, tenant=red, name=f"bad-{n}", state="failed") for n in range(5)]
    ServiceInstance.objects.bulk_create(rows + [ServiceInstance(item=item, tenant=blue, name="blue-0")])
    return item


def _names(page: str) -> list[str]:
    return re.findall(r'href="/instances/\d+/">#\d+ ([\w-]+)</a>', page)


def test_lists_are_paginated_filtered_and_per_tenant(client, instances):
    member("ana", "red")
    assert client.login(username="ana", password="pw-ana")
    first = client.get("/instances/").content.decode()
    assert len(_names(first)) == 25 and "1–25 of 33" in first and 'rel="next"' in first
    second = client.get("/instances/?page=2").content.decode()
    assert len(_names(second)) == 8 and "26–33 of 33" in second
    assert not set(_names(first)) & set(_names(second))
    failed = client.get("/instances/?state=failed").content.decode()
    assert sorted(_names(failed)) == [f"bad-{n}" for n in range(5)]
    assert "blue-0" not in first + second  # another tenant's
    link = re.search(r'href="(\?[^"]*page=2[^"]*)"', client.get("/instances/?state=active").content.decode())
    assert link and "state=active" in link.group(1)  # the next page keeps the filter


def test_error_pages_are_the_consoles_and_the_navigation_follows_the_role(client, instances):
    member("ana", "red")
    assert client.login(username="ana", password="pw-ana")
    missing = client.get("/instances/999999/")
    assert missing.status_code == 404 and 'id="error-page"' in missing.content.decode()
    forbidden = client.get("/audit/")
    assert forbidden.status_code == 403 and "admins" in forbidden.content.decode()
    nav = client.get("/catalogue/").content.decode()
    assert 'href="/jobs/"' in nav and 'href="/audit/"' not in nav and 'href="/approvals/"' not in nav
    assert "red (user)" in nav and 'name="viewport"' in nav and 'rel="icon"' in nav
    User.objects.create_superuser("root", password="pw-root-1")
    assert client.login(username="root", password="pw-root-1")
    nav = client.get("/catalogue/").content.decode()
    assert 'href="/audit/"' in nav and 'href="/approvals/"' in nav and "all tenants (admin)" in nav


def test_every_dialog_error_is_located_at_its_field():
    schema = {
        "type": "object",
        "properties": {"port": {"type": "integer", "minimum": 1024}, "domain": {"type": "string"}},
        "required": ["domain"],
    }
    with pytest.raises(dialog.DialogError) as refused:
        dialog.check(schema, {"port": 80})
    assert set(refused.value.errors) == {"port", "domain"}  # all at once, the missing one at its name
    assert "required" in refused.value.errors["domain"]


def test_the_order_forms_spec_carries_no_secret_default(client, instances):
    CatalogueItem.objects.filter(pk=instances.pk).update(
        dialog={
            "type": "object",
            "properties": {
                "db_password": {"type": "string", "default": "d3fault-pw", "examples": ["ex4mple-pw"]},
                "size": {"type": "integer", "default": 3},
            },
        }
    )
    member("ana", "red")
    assert client.login(username="ana", password="pw-ana")
    page = client.get("/catalogue/svc/").content.decode()
    assert "d3fault-pw" not in page and "ex4mple-pw" not in page
    assert '"default": 3' in page  # other defaults stay


def test_the_job_page_lists_each_host_once(client, instances):
    member("ana", "red")
    job = Job.objects.create(instance=ServiceInstance.objects.filter(tenant__name="red").first(), commit="0" * 40)
    JobEvent.objects.bulk_create(
        JobEvent(job=job, counter=n, event="runner_on_ok", host=f"site{n % 2}") for n in range(1, 41)
    )
    assert client.login(username="ana", password="pw-ana")
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    host_filter = page.split('id="host-filter"')[1].split("</select>")[0]
    assert re.findall(r"<option>(\w+)</option>", host_filter) == ["site0", "site1"]


def test_a_fresh_heartbeat_means_a_worker_runs(instances):
    job = Job.objects.create(instance=ServiceInstance.objects.first(), commit="0" * 40, status=Job.RUNNING)
    Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now())
    assert workers.none_running() is False  # no ping needed: a job is beating


def test_the_500_page_is_the_consoles_and_needs_no_database(rf, django_assert_num_queries):
    from nfvo.errors import server_error

    with django_assert_num_queries(0):
        resp = server_error(rf.get("/anything/"))
    page = resp.content.decode()
    assert resp.status_code == 500 and 'id="error-page"' in page and "/static/console/console.css" in page


def test_favicon_ico_is_the_consoles_icon(client):
    """Browsers ask for /favicon.ico on pages that name no icon: a redirect to the SVG, not
    a 404 (a 404 there is a console error the browser tests count)."""
    answer = client.get("/favicon.ico")
    assert answer.status_code == 302 and answer["Location"].endswith("nfvo/favicon.svg")
