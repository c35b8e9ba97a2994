"""The web console as a user clicks it, in a real browser (Debian chromium driven by
Playwright), against a real Celery worker and local linux sites: order -> plan -> apply the
same instance -> scale -> terminate; a failed apply -> retry; an approval by a second user;
add and check a site; the typed order form from the dialog's JSON Schema.

Every page visited is screenshotted at 1440 and 390 px (``var/test-artifacts/``), checked by
axe-core (no serious or critical violation), for horizontal overflow at 390 px and for
console errors. No test calls the API itself: the pages do.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User

from nfvo import pipeline, services
from nfvo.models import CatalogueItem, Job, Membership, Order, ServiceInstance, Site, Tenant
from tests.fixtures.redis_server import free_port

from .conftest import REPO
from .helpers import register_local_sites

pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = REPO / "var" / "test-artifacts"
AXE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (1440, 390)

DESCRIPTOR = """\
tosca_definitions_version: tosca_simple_yaml_1_3
description: Core status on one server, an edge controller on another.
metadata: {{template_name: {name}}}
imports:
  - https://rdcl-nfvo.invalid/tosca/rdcl_nfvo_types_1_0.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_common_types.yaml
  - https://forge.etsi.org/rep/nfv/SOL001/raw/v2.6.1/etsi_nfv_sol001_vnfd_types.yaml
topology_template:
  inputs:
    core_port: {{type: integer, default: {core_port}, constraints: [{{in_range: [1024, 65535]}}]}}
    edge_port: {{type: integer, default: {edge_port}}}
  node_templates:
    core_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/usr/bin/python3, -m, http.server, {{get_input: core_port}}, --bind, "{{{{ rdcl_bind_address }}}}"]
        ports: [{{get_input: core_port}}]
        files: {{index.html: "core up\\n"}}
    edge_app:
      type: rdcl.nodes.Container.Application
      properties:
        command: [/usr/bin/python3, -m, http.server, {{get_input: edge_port}}, --bind, "{{{{ rdcl_bind_address }}}}"]
        ports: [{{get_input: edge_port}}]
        files: {{index.html: "edge up\\n"}}
      requirements:
        - dependency: core_app
  policies:
    - core: {{type: rdcl.policies.Placement, properties: {{site: core_server}}, targets: [core_app]}}
    - edge: {{type: rdcl.policies.Placement, properties: {{site: edge_server}}, targets: [edge_app]}}
    - levels:
        type: tosca.policies.nfv.InstantiationLevels
        properties:
          levels: {{small: {{description: one process each}}, large: {{description: the peak}}}}
          default_level: small
"""


class Console:
    """A browser page with the checks every console page passes (see the module doc)."""

    def __init__(self, browser, base_url: str, test: str):
        self.page = browser.new_page(viewport={"width": 1440, "height": 900})
        self.page.set_default_timeout(60_000)  # a loaded 2-core machine: clicks that wait for the server
        self.base = base_url
        self.test = test
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(f"{m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.shots = 0

    def goto(self, path: str):
        self.page.goto(self.base + path)

    def login(self, username: str, password: str):
        self.goto("/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(re.compile(r".*/(catalogue/)?$"))

    def logout(self):
        self.page.get_by_role("button", name="Log out").click()

    def nav(self, label: str):
        """Open a section from the navigation bar (opening the sidebar when it is folded)."""
        link = self.page.locator("#page-sidebar").get_by_role("link", name=label, exact=True)
        if not link.is_visible():
            self.page.click("#nav-toggle")
        link.click()

    def check(self, name: str, *, expect_errors: bool = False):
        """Screenshot at each width; axe-core finds no serious or critical violation; nothing
        overflows sideways at 390 px; no console error so far (unless ``expect_errors``)."""
        page = self.page
        page.wait_for_load_state("load")
        self.shots += 1
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{self.test}-{self.shots:02d}-{name}-{width}.png"), full_page=True)
            if width == 390:
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name}: the page is {overflow}px wider than 390px"
        page.set_viewport_size({"width": 1440, "height": 900})
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.help + ' @ ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
        )
        assert not found, f"{name}: accessibility violations: {found}"
        if not expect_errors:
            assert not self.errors, f"{name}: console errors: {self.errors}"


def _publish(tmp_path, name="two-servers"):
    """Publish the two-servers service for the local linux sites (the test's sites)."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(DESCRIPTOR.format(name=name, core_port=free_port(), edge_port=free_port()))
    return pipeline.publish_descriptor(path)[2]


def _user(name: str, tenant: str, role: str) -> User:
    user = User.objects.create_user(name, password=f"pw-{name}-console-1")
    Membership.objects.create(user=user, tenant=Tenant.objects.get_or_create(name=tenant)[0], role=role)
    return user


def _wait_status(console: Console, word: str, timeout: float = 300_000):
    from playwright.sync_api import expect

    expect(console.page.locator("#status")).to_have_text(word, timeout=timeout)


def test_order_plan_apply_scale_terminate_the_same_instance(live_server, worker, browser, tmp_path):
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    _publish(tmp_path)
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "lifecycle")
    c.login("ana", "pw-ana-console-1")
    expect(c.page.locator("#who")).to_contain_text("red (user)")
    c.check("catalogue")
    c.page.get_by_role("link", name="two-servers").click()
    c.page.fill("#f-instance-name", "web-1")
    c.check("order-form")
    c.page.get_by_role("button", name="Order").click()  # plan is the default mode
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    assert c.page.locator(".plan-table").count() >= 2  # what each site would create, as tables
    c.check("plan-job")
    instance = ServiceInstance.objects.get()
    assert instance.name == "web-1" and instance.state == "new"  # a plan changes nothing

    c.page.click("#instance-link")
    c.check("instance-planned")
    c.page.click("#apply")
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    c.page.locator("#host-filter").select_option("edge_server")
    visible = c.page.locator("#events .rd-line:visible")
    expect(visible.first).to_be_visible()
    hosts = set(visible.evaluate_all("rows => rows.map(r => r.dataset.host)"))
    assert hosts == {"edge_server"}, hosts
    c.page.locator("#host-filter").select_option("")
    c.page.click("#collapse-all")
    assert c.page.locator("#events details[open]").count() == 0
    c.check("apply-job")
    assert ServiceInstance.objects.count() == 1  # applied on the same instance
    assert list(Job.objects.order_by("id").values_list("mode", "instance_id")) == [
        ("plan", instance.pk),
        ("apply", instance.pk),
    ]

    # scale: the levels the item offers are the choices (its descriptor's instantiation levels)
    c.page.click("#instance-link")
    expect(c.page.locator("#scaled-to")).to_have_text("Now at level small.")
    levels = c.page.locator("#scale-level option")
    assert levels.evaluate_all("options => options.map(o => o.value)") == ["small", "large"]
    assert c.page.locator("#scale-level").input_value() == "small"  # the level it starts at
    c.page.locator("#scale-level").select_option("large")
    c.check("instance-scale")
    c.page.click("#scale")
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    scaled = Job.objects.order_by("-id").first()
    assert (scaled.operation, scaled.mode, scaled.extra_vars["scale_level"]) == ("scale", "apply", "large")
    c.check("scale-job")
    c.page.click("#instance-link")
    expect(c.page.locator("#scaled-to")).to_have_text("Now at level large.")

    c.page.click("#terminate")
    expect(c.page.locator("#confirm")).to_be_visible()
    c.check("terminate-confirm")
    c.page.click("#confirm-yes")
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    c.page.click("#instance-link")
    expect(c.page.locator("#instance-state")).to_have_text("deleted")
    ops = c.page.locator("#operations tbody tr")
    assert ops.count() == 4
    assert [t.strip() for t in ops.locator("td[data-label=Operation]").all_text_contents()] == [
        "create",
        "create",
        "scale",
        "delete",
    ]
    c.check("instance-deleted")
    c.nav("Jobs")
    expect(c.page.locator("#jobs tbody tr")).to_have_count(4)
    c.check("jobs")
    c.nav("Instances")
    c.check("instances")
    c.nav("Orders")
    c.check("orders")


def test_a_scaling_aspect_is_offered_with_its_steps(live_server, worker, browser, tmp_path):
    """An item whose VNFD has instantiation levels and a scaling aspect (VM VDUs on the
    OpenStack site; plan mode contacts no cloud): the instance page offers the levels and
    the aspect's steps 0..max_scale_level; a plan of 2 steps shows the count it would set,
    and a step past the aspect's last is refused at its field, nothing queued."""
    from playwright.sync_api import expect

    from .test_translators_hot_scaling import VNFD

    register_local_sites(tmp_path, free_port(), free_port())
    path = tmp_path / "vm_levels.yaml"
    path.write_text(VNFD)
    pipeline.publish_descriptor(path)
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "aspect")
    c.login("ana", "pw-ana-console-1")
    c.page.get_by_role("link", name="vm-levels").click()
    c.page.fill("#f-instance-name", "vms-1")
    c.page.get_by_role("button", name="Order").click()  # a plan
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    c.page.click("#instance-link")
    assert c.page.locator("#scale-level option").evaluate_all("o => o.map(x => x.value)") == ["small", "large"]
    steps = c.page.get_by_label("Aspect workers: scale level (0 to 3)")
    expect(steps).to_have_attribute("max", "3")
    steps.fill("2")
    c.check("instance-aspect")
    c.page.get_by_role("button", name="Plan scale of workers").click()
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    job = Job.objects.order_by("-id").first()
    assert (job.operation, job.mode) == ("scale", "plan")
    assert (job.extra_vars["scale_aspect"], job.extra_vars["scale_steps"]) == ("workers", 2)
    expect(c.page.locator("#events")).to_contain_text("worker_desired_capacity = 3 (worker)")  # 1 + 2 steps of 1
    c.check("aspect-plan-job")

    c.page.click("#instance-link")
    c.page.get_by_label("Aspect workers: scale level (0 to 3)").fill("4")
    c.page.get_by_role("button", name="Plan scale of workers").click()
    expect(c.page.locator("#action-result")).to_contain_text("scale_steps")
    expect(c.page.locator("#action-result")).to_contain_text("maximum of 3")
    assert Job.objects.filter(operation="scale").count() == 1
    assert all("400 (Bad Request)" in e for e in c.errors), c.errors
    c.errors.clear()  # the browser logs the refused request's 400 itself
    c.check("aspect-refused")


def test_a_pending_job_says_that_no_worker_runs_until_one_does(live_server, worker, browser, tmp_path):
    """The tests' worker stopped (SIGSTOP: it answers no ping and takes no job), an order's
    job page and order page say that no worker runs; once it runs again (SIGCONT) its job
    runs, the order page follows it and the message is gone."""
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    _publish(tmp_path)
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "no-worker")
    c.login("ana", "pw-ana-console-1")
    c.page.get_by_role("link", name="two-servers").click()
    expect(c.page.locator("#f-instance-name")).to_be_visible(timeout=60_000)  # the form is drawn by its script
    worker.send_signal(signal.SIGSTOP)
    try:
        c.page.get_by_role("button", name="Order").click()  # plan
        c.page.wait_for_url("**/jobs/*/", timeout=120_000)
        expect(c.page.locator("#no-worker")).to_be_visible(timeout=60_000)  # a worker's last answer is kept 10 s
        expect(c.page.locator("#no-worker")).to_contain_text("No worker is running")
        expect(c.page.locator("#no-worker")).to_contain_text(f"-Q {settings.CELERY_TASK_DEFAULT_QUEUE}")
        expect(c.page.locator("#status")).to_have_text("pending")
        c.check("job-no-worker")
        c.page.click("#order-link")
        expect(c.page.locator("#no-worker")).to_contain_text("stays pending until one starts")
        c.check("order-no-worker")
    finally:
        worker.send_signal(signal.SIGCONT)
    expect(c.page.locator("#order-status")).to_have_text("done", timeout=300_000)  # the page follows its job
    expect(c.page.locator("#no-worker")).to_have_count(0)
    c.page.locator("#order-jobs a").first.click()
    _wait_status(c, "successful")
    expect(c.page.locator("#no-worker")).to_be_hidden()
    c.check("job-ran")


def test_a_failed_apply_is_retried_from_its_job_page(live_server, worker, browser, tmp_path):
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    _publish(tmp_path)
    _user("ana", "red", "user")
    root = Path(Site.objects.get(name="core_server").connection["rdcl_root"])
    root.parent.mkdir(parents=True, exist_ok=True)
    root.write_text("a file where the site's folder should be\n")  # the apply cannot install there
    c = Console(browser, live_server.url, "retry")
    c.login("ana", "pw-ana-console-1")
    c.page.get_by_role("link", name="two-servers").click()
    c.page.check("input[name=mode][value=apply]")
    c.page.get_by_role("button", name="Order").click()
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    expect(c.page.locator("#status")).to_have_text(re.compile("failed|error"), timeout=300_000)
    c.check("failed-job")
    root.unlink()
    c.page.get_by_role("button", name="Retry").click()
    c.page.wait_for_url("**/jobs/*/", timeout=120_000)
    _wait_status(c, "successful")
    expect(c.page.locator("body")).to_contain_text("Retry of")
    first, second = Job.objects.order_by("id")
    assert second.retry_of_id == first.pk and second.order_id == first.order_id
    assert Order.objects.get().status == Order.DONE
    c.page.click("#order-link")
    expect(c.page.locator("#order-status")).to_have_text("done")
    c.check("order-done")


def test_an_order_waits_for_a_second_user_to_approve_it(live_server, worker, browser, tmp_path):
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    item = _publish(tmp_path)
    CatalogueItem.objects.filter(pk=item.pk).update(requires_approval=True)
    _user("ana", "red", "user")
    _user("bob", "red", "operator")
    c = Console(browser, live_server.url, "approval")
    c.login("ana", "pw-ana-console-1")
    c.page.get_by_role("link", name="two-servers").click()
    expect(c.page.locator("#approval-note")).to_be_visible()
    expect(c.page.locator("#f-instance-name")).to_be_visible(timeout=60_000)  # the form is drawn by its script
    c.page.get_by_role("button", name="Order").click()
    c.page.wait_for_url("**/orders/*/", timeout=120_000)
    expect(c.page.locator("#order-status")).to_have_text("approve")
    assert c.page.locator("#decide").count() == 0  # not by the orderer (four eyes)
    c.check("order-waiting")
    c.logout()

    c.login("bob", "pw-bob-console-1")
    c.nav("Approvals")
    c.check("approvals")
    c.page.get_by_role("link", name=re.compile("decide")).click()
    c.page.fill("#f-note", "looks right")
    c.page.get_by_role("button", name="Approve").click()
    expect(c.page.locator("#order-status")).to_have_text("done", timeout=300_000)  # the page follows its job
    c.check("order-approved")
    order = Order.objects.get()
    assert order.transitions.get(target="run_job").user.username == "bob"
    assert order.transitions.get(target="run_job").note == "looks right"
    c.nav("Approvals")
    expect(c.page.locator("#approvals")).to_contain_text("Nothing waits for you")


def test_an_admin_adds_and_checks_a_site_and_secrets_are_never_shown(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    User.objects.create_superuser("root", password="pw-root-console-1")
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "sites")
    c.login("root", "pw-root-console-1")
    c.nav("Sites")
    c.page.click("#add-site")
    c.page.fill("#f-name", "lab")
    c.page.select_option("#f-kind", "openstack")
    expect(c.page.locator("#k-os_password")).to_be_visible()
    expect(c.page.locator("#k-ssh_private_key")).to_be_hidden()  # credentials of the kind only
    c.page.select_option("#f-kind", "linux")
    c.page.fill("#f-labels", "role=lab, region=north")
    c.page.fill("#c-rdcl_root", str(tmp_path / "lab"))
    c.page.fill("#k-ssh_password", "x")  # too short: refused, and kept in the field
    c.check("site-form")
    c.page.click("#site-save")
    expect(c.page.locator("[data-error=ssh_password]")).to_contain_text("too short")
    assert c.page.input_value("#k-ssh_password") == "x"
    c.errors.clear()  # the browser logs the refused save's 400 itself
    c.page.fill("#k-ssh_password", "a-long-ssh-password")
    c.page.click("#site-save")
    c.page.wait_for_url("**/sites/", timeout=120_000)
    row = c.page.locator("tr[data-site=lab]")
    expect(row.locator(".pf-v6-c-label")).to_have_count(2)
    expect(row).to_contain_text("role=lab")
    expect(row).to_contain_text("ssh_password")
    row.get_by_role("button", name="Check").click()
    expect(c.page.locator("tr[data-site=lab] .last-check")).to_contain_text("ok", timeout=120_000)
    assert Site.objects.get(name="lab").last_check["status"] == "ok"
    c.check("sites")
    c.page.locator("tr[data-site=lab]").get_by_role("link", name="Change").click()
    assert c.page.input_value("#k-ssh_password") == ""
    assert "a-long-ssh-password" not in c.page.content()
    c.check("site-change")
    c.nav("Audit")
    expect(c.page.locator("#audit")).to_contain_text("check_site")
    c.check("audit")
    c.goto("/no-such-page/")
    expect(c.page.locator("#error-page")).to_contain_text("404")
    c.check("not-found", expect_errors=True)  # the browser logs the 404 status itself
    c.logout()
    c.login("ana", "pw-ana-console-1")
    c.goto("/audit/")
    expect(c.page.locator("#error-page")).to_contain_text("403")
    c.goto("/sites/new/")
    expect(c.page.locator("#error-page")).to_contain_text("403")
    assert c.page.locator("#page-sidebar").get_by_role("link", name="Audit").count() == 0


TYPED_DIALOG = {
    "type": "object",
    "properties": {
        "flavor": {"type": "string", "enum": ["small", "large"], "default": "small", "description": "server size"},
        "debug": {"type": "boolean", "default": False, "title": "Debug logging"},
        "workers": {"type": "integer", "minimum": 1, "maximum": 8, "description": "worker processes"},
        "domain": {"type": "string", "pattern": "^[a-z.]+$"},
        "pull_secret": {"type": "string", "writeOnly": True, "minLength": 8},
    },
    "required": ["workers", "domain", "pull_secret"],
}


def test_the_order_form_is_typed_from_the_dialog_schema(live_server, worker, browser, tmp_path):
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    base = _publish(tmp_path)
    services.publish_repository(
        "typed",
        base.repository,
        base.ref,
        base.folder,
        base.playbooks,
        ["core_server", "edge_server"],
        dialog_schema=TYPED_DIALOG,
    )
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "typed-form")
    c.login("ana", "pw-ana-console-1")
    c.page.get_by_role("link", name="typed").click()
    p = c.page
    expect(p.locator("select#f-flavor option")).to_have_count(2)
    assert p.get_attribute("#f-debug", "role") == "switch" and p.get_attribute("#f-debug", "type") == "checkbox"
    assert not p.is_checked("#f-debug")
    assert (p.get_attribute("#f-workers", "type"), p.get_attribute("#f-workers", "min")) == ("number", "1")
    assert p.get_attribute("#f-workers", "max") == "8"
    assert p.get_attribute("#f-pull_secret", "type") == "password"
    expect(p.locator("#order-form")).to_contain_text("worker processes")
    expect(p.locator("#order-form")).to_contain_text("Debug logging")
    assert p.locator("#order-form .required").count() >= 3
    expect(p.locator("#limit input[type=checkbox]")).to_have_count(2)

    p.fill("#f-workers", "9")
    p.fill("#f-domain", "Not A Domain")
    p.fill("#f-pull_secret", "s3cret-pull-token")
    p.check("#f-debug")
    p.select_option("#f-flavor", "large")
    p.get_by_role("button", name="Order").click()
    errors = p.locator(".field-error:visible")
    expect(errors).to_have_count(2)  # both at once, each beside its field
    expect(p.locator("[data-schemapath='root.workers'] .field-error")).to_contain_text("maximum")
    expect(p.locator("[data-schemapath='root.domain'] .field-error")).to_contain_text("does not match")
    assert p.input_value("#f-pull_secret") == "s3cret-pull-token"  # kept across the refusal
    assert "s3cret-pull-token" not in p.content()  # never written back into the page
    assert not Job.objects.exists()
    c.errors.clear()  # the browser logs the refused order's 400 itself
    c.check("typed-errors")

    p.fill("#f-workers", "4")
    p.fill("#f-domain", "example.org")
    p.check("#limit input[value=edge_server]")
    p.get_by_role("button", name="Order").click()
    p.wait_for_url("**/jobs/*/", timeout=120_000)
    job = Job.objects.get()
    assert job.limit == "edge_server" and job.mode == "plan"
    values = job.extra_vars
    assert (values["flavor"], values["debug"], values["workers"], values["domain"]) == ("large", True, 4, "example.org")
    assert values["pull_secret"].startswith("fernet:")  # stored sealed
    _wait_status(c, "successful")


def test_a_corrected_field_clears_its_error_as_typed_so_the_order_click_lands(live_server, worker, browser, tmp_path):
    """A refused field's error goes while the fix is typed, not when the field loses focus. A
    click on Order first takes the focus from the field; had the error gone then, everything
    below it would move up between the press and the release and the click would be lost (seen
    under load: the corrected order never left the page)."""
    from playwright.sync_api import expect

    register_local_sites(tmp_path, free_port(), free_port())
    _publish(tmp_path)
    _user("ana", "red", "user")
    c = Console(browser, live_server.url, "corrected-field")
    c.login("ana", "pw-ana-console-1")
    p = c.page
    p.get_by_role("link", name="two-servers").click()
    p.fill("#f-core_port", "80")
    p.check("input[name=mode][value=plan]")
    order = p.get_by_role("button", name="Order")
    order.click()
    expect(p.locator("[data-schemapath='root.core_port'] .field-error")).to_contain_text("minimum of 1024")
    c.errors.clear()  # the browser logs the refused order's 400 itself

    port = free_port()
    p.fill("#f-core_port", str(port))
    expect(p.locator(".field-error:visible")).to_have_count(0)  # gone as the fix is typed
    before = order.bounding_box()
    p.locator("#f-core_port").blur()  # what pressing the button does first
    p.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert order.bounding_box() == before  # nothing moves under the pointer
    p.mouse.move(before["x"] + before["width"] / 2, before["y"] + before["height"] / 2)
    p.mouse.down()
    p.wait_for_timeout(150)  # held as long as a person holds it
    p.mouse.up()
    p.wait_for_url("**/jobs/*/", timeout=120_000, wait_until="commit")
    assert Job.objects.get().extra_vars["core_port"] == port
    _wait_status(c, "successful")
    c.check("corrected-field")
