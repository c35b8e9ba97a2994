"""The designer as a user clicks through it (Chromium driven by Playwright), never calling
the API from the test: New (a TOSCA project from the starter file) -> palette -> link ->
an invalid link refused with the reason in the model's words -> a link the model allows but
the validator would refuse, refused too -> undo -> a text edit -> save -> history -> Export
(CSAR) -> Import of that CSAR -> publish both (the report shown; the second asks before
replacing the item the first published) -> the catalogue -> order the item (a plan) -> its
job and order pages. Screenshots at 1440 and 390 px of each step go to
``var/test-artifacts/designer-walkthrough/``; no console error on any page."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User

from rdcl import services
from rdcl.models import Project

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "var" / "test-artifacts" / "designer-walkthrough"
#: Is leaving the page held back (the beforeunload handler cancels the event)?
LEAVING = """() => { const e = new Event('beforeunload', {cancelable: true});
    window.dispatchEvent(e); return e.defaultPrevented; }"""
pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Shots:
    """Each step at 1440 px and at 390 px wide (``NN-name-1440.png``, ``NN-name-390.png``)."""

    def __init__(self, page):
        self.page, self.count = page, 0
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        self.count += 1
        for width in (1440, 390):
            self.page.set_viewport_size({"width": width, "height": 1000})
            self.page.screenshot(path=str(ARTIFACTS / f"{self.count:02d}-{name}-{width}.png"), full_page=True)
        self.page.set_viewport_size({"width": 1440, "height": 1000})


def node(page, node_id: str):
    return page.locator(f'#graph g.node[data-id="{node_id}"]')


def text_of(page) -> str:
    return page.evaluate("window.designerEditor.state.doc.toString()")


def watch(page, errors: list) -> None:
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def console(msg):
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", console)


def test_designer_walkthrough(live_server, browser, worker, tmp_path):
    from playwright.sync_api import expect

    from nfvo.models import Job, Membership, Tenant
    from tests.fixtures.redis_server import free_port
    from tests.helpers import register_local_sites

    register_local_sites(tmp_path, free_port(), free_port())
    wendy = User.objects.create_user("wendy", password="a-test-password-1")
    Membership.objects.create(user=wendy, tenant=Tenant.objects.create(name="blue"), role="operator")
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    watch(page, errors)
    shot = Shots(page)

    # log in; New: an empty TOSCA project from the type's starter file
    page.goto(live_server.url + "/designer/")
    page.fill("#id_username", "wendy")
    page.fill("#id_password", "a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/designer/")
    page.fill("#new-name", "walk")
    page.select_option("#new-type", "tosca")
    page.select_option("#new-example", "starter")
    shot("new-project")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/designer/projects/*/")
    expect(node(page, "server")).to_have_count(1)
    original = text_of(page)
    shot("starter-opened")

    # palette: a software component and a second compute node, laid out without overlap
    page.click('#palette button[data-type="tosca.nodes.SoftwareComponent"]')
    expect(node(page, "softwarecomponent1")).to_have_count(1)
    page.click('#palette button[data-type="tosca.nodes.Compute"]')
    expect(node(page, "compute1")).to_have_count(1)
    expect(page.locator("#unsaved")).to_be_visible()
    boxes = [node(page, n).locator("circle").bounding_box() for n in ("server", "softwarecomponent1", "compute1")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert abs(a["x"] - b["x"]) >= a["width"] or abs(a["y"] - b["y"]) >= a["height"], (a, b)
    expect(page.locator("#legend li", has_text="SoftwareComponent")).to_have_count(1)
    # the starter's comments and layout are kept: the additions are only appended
    assert text_of(page).startswith(original.rstrip("\n"))
    shot("palette")

    # link: the software component is hosted on the server (its host requirement)
    page.click("#link-mode")
    node(page, "softwarecomponent1").click()
    node(page, "server").click()
    expect(page.locator('#graph line.link[data-type="tosca.relationships.HostedOn"]')).to_have_count(1)
    templates = yaml.safe_load(text_of(page))["topology_template"]["node_templates"]
    assert templates["softwarecomponent1"]["requirements"] == [{"host": "server"}]
    shot("linked")

    # an invalid link: refused with the reason in the model's labels
    page.select_option("#link-type", "tosca.relationships.network.LinksTo")
    node(page, "server").click()
    node(page, "compute1").click()
    expect(page.locator("#status.refused")).to_contain_text(
        "link refused: a “links to” link cannot join Compute to Compute; it joins Port to Network"
    )
    # allowed by the model (hosted on a Compute) but a Compute has no host requirement:
    # the validator's problem refuses it, and the file is left as it was
    before = text_of(page)
    page.select_option("#link-type", "tosca.relationships.HostedOn")
    node(page, "compute1").click()
    node(page, "server").click()
    expect(page.locator("#status.refused")).to_contain_text("link refused:")
    assert text_of(page) == before
    shot("invalid-link-refused")
    page.click("#link-mode")

    # undo: the hosted-on link goes, the nodes stay; redo brings it back; undo again
    page.click("#undo")
    expect(page.locator('#graph line.link[data-type="tosca.relationships.HostedOn"]')).to_have_count(0)
    assert (
        "requirements" not in yaml.safe_load(text_of(page))["topology_template"]["node_templates"]["softwarecomponent1"]
    )
    page.click("#redo")
    expect(page.locator('#graph line.link[data-type="tosca.relationships.HostedOn"]')).to_have_count(1)
    page.click("#undo")
    expect(page.locator('#graph line.link[data-type="tosca.relationships.HostedOn"]')).to_have_count(0)
    shot("undone")

    # a text edit, typed in the editor
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n# edited by hand\n")
    expect(page.locator("#problems")).to_have_text("")

    # save: one request; the marker goes
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("saved service.yaml r2")
    expect(page.locator("#unsaved")).to_be_hidden()
    project = Project.objects.get(name="walk")
    stored = services.current_files(project)["service.yaml"]
    assert stored.startswith(original.rstrip("\n")) and "# edited by hand" in stored
    assert set(yaml.safe_load(stored)["topology_template"]["node_templates"]) == {
        "server",
        "softwarecomponent1",
        "compute1",
    }
    shot("saved")

    # history: two revisions, their diff only adds lines
    page.click("#history-toggle")
    expect(page.locator("#revisions tbody tr")).to_have_count(2)
    page.click("#diff-show")
    expect(page.locator("#diff .add", has_text="# edited by hand")).to_have_count(1)
    expect(page.locator("#diff .del")).to_have_count(0)
    shot("history")

    # export the CSAR, import it as a new project
    with page.expect_download() as got:
        page.click("#export-csar")
    csar = tmp_path / "walk.csar"
    got.value.save_as(csar)
    page.goto(live_server.url + "/designer/")
    page.set_input_files("#import-file", str(csar))
    page.fill("#import-name", "walk-copy")
    shot("import")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url("**/designer/projects/*/")
    expect(node(page, "softwarecomponent1")).to_have_count(1)
    copy = Project.objects.get(name="walk-copy")
    assert services.current_files(copy)["service.yaml"] == stored
    shot("imported")

    # publish the copy: the item is new, the translation report is shown
    page.get_by_role("button", name="Publish to catalogue").click()
    expect(page.locator('#publish-status[data-status="published"]')).to_be_visible(timeout=120_000)
    expect(page.locator("#publish-report")).to_be_visible()
    expect(page.locator("#publish-report li").first).to_be_visible()
    shot("published")

    # publish the first project: it would replace the copy's item, so the page asks
    page.goto(f"{live_server.url}/designer/projects/{project.pk}/")
    page.get_by_role("button", name="Publish to catalogue").click()
    expect(page.locator("#replace-dialog")).to_be_visible(timeout=120_000)
    expect(page.locator("#replace-dialog")).to_contain_text("was published by project walk-copy")
    shot("asked-before-replacing")
    page.get_by_role("button", name="Keep it").click()
    expect(page.locator('#publish-status[data-status="kept"]')).to_be_visible()
    page.get_by_role("button", name="Publish to catalogue").click()
    expect(page.locator("#replace-dialog")).to_be_visible(timeout=120_000)
    page.get_by_role("button", name="Replace it").click()
    expect(page.locator('#publish-status[data-status="published"]')).to_be_visible(timeout=120_000)
    shot("replaced")

    # order what was published as a user does: the catalogue, the item's form, Order (a plan)
    item = page.locator("#publish-status a").text_content()
    if page.get_attribute("#nav-toggle", "aria-expanded") != "true":
        page.click("#nav-toggle")  # the designer keeps the sidebar folded
    page.locator("#page-sidebar").get_by_role("link", name="Catalogue", exact=True).click()
    page.wait_for_url("**/catalogue/")
    page.get_by_role("link", name=item, exact=True).click()
    page.fill("#f-instance-name", "walk-1")
    shot("order-form")
    page.get_by_role("button", name="Order").click()  # plan is the default mode
    page.wait_for_url("**/jobs/*/", timeout=120_000)
    expect(page.locator("#status")).to_have_text("successful", timeout=300_000)
    shot("ordered-plan-job")
    job = Job.objects.get()
    assert (job.operation, job.mode, job.instance.item.name, job.instance.name) == ("create", "plan", item, "walk-1")
    assert job.instance.item.published_commit == job.commit  # the commit the replacing publication made
    page.click("#order-link")
    expect(page.locator("#order-status")).to_have_text("done")
    shot("order-done")
    assert not errors, errors


def test_palette_adds_land_in_the_file_of_their_kind(live_server, browser):
    """An ETSI project from the starter files opens on its NSD (nsd.yaml sorts first); a VDU
    from the palette goes to the VNFD, shows in the graph, and the NSD is untouched; Discard
    brings the saved text back, and the leave-page warning is armed while changes are unsaved."""
    from playwright.sync_api import expect

    User.objects.create_user("vera", password="a-test-password-1")
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    errors: list[str] = []
    watch(page, errors)
    page.goto(live_server.url + "/designer/")
    page.fill("#id_username", "vera")
    page.fill("#id_password", "a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/designer/")
    page.fill("#new-name", "etsi-new")
    page.select_option("#new-type", "etsi")
    page.select_option("#new-example", "starter")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/designer/projects/*/")
    expect(page.locator("#file")).to_have_value("nsd.yaml")
    nsd = page.evaluate("window.designer.files['nsd.yaml'].text")
    vnfd = page.evaluate("window.designer.files['vnfd.yaml'].text")

    page.click('#views button[data-view="vnf"]')
    expect(node(page, "vnfd/vm")).to_have_count(1)
    page.click('#palette button[data-type="vnf_vdu"]')
    expect(node(page, "vnfd/vm1")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("VDU vm1 added")
    expect(page.locator("#file")).to_have_value("vnfd.yaml")
    assert page.evaluate("window.designer.files['nsd.yaml'].text") == nsd
    added = page.evaluate("window.designer.files['vnfd.yaml'].text")
    assert added.startswith(vnfd.split("vnfExtCpd:")[0].rstrip("\n").rsplit("\n", 1)[0])  # lines before kept
    assert [v["vduId"] for v in yaml.safe_load(added)["vdu"]] == ["vm", "vm1"]
    expect(page.locator("#unsaved")).to_contain_text("vnfd.yaml")
    # the leave-page warning is armed: a beforeunload event is cancelled
    assert page.evaluate(LEAVING)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "etsi-vdu-in-vnfd-1440.png"), full_page=True)

    page.click("#discard")
    expect(node(page, "vnfd/vm1")).to_have_count(0)
    expect(page.locator("#unsaved")).to_be_hidden()
    assert page.evaluate("window.designer.files['vnfd.yaml'].text") == vnfd
    assert not page.evaluate(LEAVING)
    assert not errors, errors
