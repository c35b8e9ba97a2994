"""The GUI in a real browser (Debian chromium driven by Playwright): order an item from the
catalogue page, see dialog errors per field, then watch the job's events arrive."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from nfvo import pipeline
from nfvo.models import AuditEntry, Job, Membership, Tenant
from tests.fixtures.redis_server import free_port

from .conftest import EXAMPLE
from .helpers import register_local_sites

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_order_from_the_catalogue_and_watch_events_stream(live_server, worker, browser, tmp_path):
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    pipeline.publish_descriptor(EXAMPLE)
    user = User.objects.create_user("ana", password="a-test-password-1")
    Membership.objects.create(user=user, tenant=Tenant.objects.create(name="red"), role="user")
    page = browser.new_page()
    page.goto(live_server.url + "/")
    page.fill("#id_username", "ana")  # redirected to the login page
    page.fill("#id_password", "a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="epc-cran-mec").click()

    page.fill("#f-core_status_port", "80")
    page.check("input[name=mode][value=plan]")
    page.get_by_role("button", name="Order").click()
    expect(page.locator(".field-error:visible").first).to_contain_text(
        "80 is less than the minimum of 1024", timeout=90_000
    )  # the server's answer: slow while the other test processes load both cores
    assert not Job.objects.exists()

    page.fill("#f-core_status_port", "18081")
    expect(page.locator("#f-core_status_port")).to_have_value("18081")
    page.get_by_role("button", name="Order").click()
    # the URL is enough: the lines below wait for the page itself, slow while the other test
    # processes load both cores
    page.wait_for_url("**/jobs/*/", timeout=120_000, wait_until="commit")
    first = page.locator("#events .rd-line").first
    first.wait_for(timeout=120_000)
    # Lines arrive while the job runs, not all at the end.
    assert page.text_content("#status") == "running"
    assert not Job.objects.get().done
    expect(page.locator("#status")).to_have_text("successful", timeout=300_000)
    page.wait_for_selector(".site-result .status.ok")
    rows = page.locator(".plan-table tbody tr").all_inner_texts()  # what each site would create, a table each
    assert any("OS::Nova::Server" in r and "epc_hss" in r for r in rows), rows
    assert any("Deployment" in r and "cran-du" in r for r in rows), rows
    assert page.locator("#events .rd-line").count() > 10
    job = Job.objects.get()
    assert job.extra_vars["core_status_port"] == 18081 and job.instance.tenant.name == "red"
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == ["login", "order"]
