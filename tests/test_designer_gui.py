"""The descriptor designer in a real browser (Debian chromium driven by Playwright): create a
nested-VDU project from an example, add a VM and a pod from the palette, nest the pod in the
VM by drawing a link, see the text follow, see an error in the text marked on its line, save,
reload and find the graph as it was left. Screenshots of each step are kept as artifacts
(the test's tmp dir and ``var/test-artifacts/designer/``)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from rdcl import services
from rdcl.models import GraphLayout, Project

REPO = Path(__file__).resolve().parent.parent
BUNDLE = REPO / "frontend" / "static" / "rdcl" / "designer.js"
ARTIFACTS = REPO / "var" / "test-artifacts" / "designer"
pytestmark = [pytest.mark.integration, pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def bundle():
    """The built designer bundle (set-up builds it)."""
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `npm ci && npm run build` in frontend/")


class Shots:
    """Numbered screenshots in ``tmp_path`` and ``var/test-artifacts/designer/``."""

    def __init__(self, page, folder: Path):
        self.page, self.folder, self.count, self.paths = page, folder, 0, []
        ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def __call__(self, name: str) -> None:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        shutil.copy(path, ARTIFACTS / path.name)
        self.paths.append(ARTIFACTS / path.name)
        print(f"screenshot: {path} (copy: {ARTIFACTS / path.name})")


def node(page, node_id: str):
    return page.locator(f'#graph g.node[data-id="{node_id}"]')


def editor_text(page) -> str:
    return page.evaluate("window.designerEditor.state.doc.toString()")


def test_design_a_nested_vdu_project(live_server, browser, tmp_path):
    from playwright.sync_api import expect

    User.objects.create_user("dana", password="a-test-password-1")
    page, errors, shot = _page(browser, tmp_path)

    # log in, create a nested-vdu project from an example
    page.goto(live_server.url + "/designer/")
    page.fill("#id_username", "dana")  # redirected to the login page
    page.fill("#id_password", "a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/designer/")
    page.fill("#new-name", "edge")
    page.select_option("#new-type", "nested-vdu")
    page.select_option("#new-example", "edge_vnfd.json")
    shot("project-list")
    page.get_by_role("button", name="Create").click()
    page.wait_for_url("**/designer/projects/*/")
    project = Project.objects.get(name="edge")
    assert project.type == "nested-vdu"

    # the nesting view: pods inside their VMs
    page.click('#views button[data-view="nested"]')
    expect(node(page, "edge_vnfd/mec_pod")).to_have_attribute("data-parent", "edge_vnfd/edge_vm")
    expect(node(page, "edge_vnfd/edge_vm")).to_have_class("node container")
    page.select_option("#file", "edge_vnfd.json")
    shot("nested-view")

    # add a VM VDU and a pod VDU from the palette
    page.click('#palette button[data-type="vnf_vdu"]')
    expect(node(page, "edge_vnfd/vm1")).to_have_count(1)
    page.click('#palette button[data-type="vnf_k8s_vdu"]')
    expect(node(page, "edge_vnfd/pod1")).to_have_count(1)
    text = json.loads(editor_text(page))
    assert [v["vduId"] for v in text["vdu"]][-2:] == ["vm1", "pod1"]
    assert text["vdu"][-1]["vduNestedDescType"] == "kubernetes" and text["vdu"][-1]["vduParent"] is None
    shot("vm-and-pod-added")

    # edit the selected pod's name in the side panel
    page.fill('#props input[name="name"]', "web pod")
    page.press('#props input[name="name"]', "Enter")
    expect(node(page, "edge_vnfd/pod1")).to_have_attribute("data-label", "web pod")

    # a refused link: a VM cannot be nested in a pod, and the reason is shown
    page.click("#link-mode")
    node(page, "edge_vnfd/vm1").click()
    node(page, "edge_vnfd/pod1").click()
    expect(page.locator("#status.refused")).to_contain_text("cannot be nested")
    shot("link-refused")

    # link the pod to the VM as its parent: the text changes
    node(page, "edge_vnfd/pod1").click()
    node(page, "edge_vnfd/vm1").click()
    expect(node(page, "edge_vnfd/pod1")).to_have_attribute("data-parent", "edge_vnfd/vm1")
    pod = json.loads(editor_text(page))["vdu"][-1]
    assert pod["vduId"] == "pod1" and pod["vduParent"] == "vm1" and pod["name"] == "web pod"
    page.click("#link-mode")
    shot("pod-nested-in-vm")

    # drag the VM (its pod moves with it)
    box = node(page, "edge_vnfd/vm1").locator("text").bounding_box()
    before = page.evaluate("({...window.designer.pos['edge_vnfd/pod1']})")
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + 85, box["y"] + 45, steps=8)
    page.mouse.up()
    after = page.evaluate("({...window.designer.pos['edge_vnfd/pod1']})")
    assert after["x"] > before["x"] + 40 and after["y"] > before["y"] + 20
    shot("dragged")

    # an error in the text is marked on its line, and the graph keeps its last state
    good = editor_text(page)
    lines = good.splitlines()
    bad_line = next(i for i, line in enumerate(lines) if '"vduParent": "vm1"' in line) + 1
    page.evaluate(
        """([n]) => { const ed = window.designerEditor; const line = ed.state.doc.line(n);
        ed.dispatch({changes: {from: line.from, to: line.to, insert: line.text.replace('"vm1"', '"vm9"')},
        selection: {anchor: line.from}, scrollIntoView: true}); }""",
        [bad_line],
    )
    expect(page.locator(".cm-lint-marker-error")).to_have_count(1)
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator("#problems")).to_contain_text("nested-vdu.parent-unknown")
    expect(page.locator("#problems")).to_contain_text(f"edge_vnfd.json:{bad_line}:")
    marked = page.evaluate("""() => { const ed = window.designerEditor;
        const el = document.querySelector('.cm-lint-marker-error').closest('.cm-gutterElement');
        return ed.state.doc.lineAt(ed.lineBlockAtHeight(el.offsetTop + 2).from).number; }""")
    assert marked == bad_line
    shot("error-marked")

    # put it right, then save
    page.evaluate(
        """([t]) => { const ed = window.designerEditor;
        ed.dispatch({changes: {from: 0, to: ed.state.doc.length, insert: t}}); }""",
        [good],
    )
    expect(page.locator(".cm-lint-marker-error")).to_have_count(0)
    expect(page.locator("#problems")).to_have_text("")
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("saved edge_vnfd.json r2")
    shot("saved")
    stored = json.loads(services.current_files(project)["edge_vnfd.json"])
    assert {v["vduId"]: v.get("vduParent") for v in stored["vdu"]}["pod1"] == "vm1"
    positions = GraphLayout.objects.get(project=project, view="nested").positions
    assert positions["edge_vnfd/pod1"] == pytest.approx(after)

    # reload: the graph is as we left it
    page.reload()
    page.click('#views button[data-view="nested"]')
    expect(node(page, "edge_vnfd/pod1")).to_have_attribute("data-parent", "edge_vnfd/vm1")
    expect(node(page, "edge_vnfd/pod1")).to_have_attribute("data-label", "web pod")
    assert page.evaluate("({...window.designer.pos['edge_vnfd/pod1']})") == pytest.approx(after)
    shot("reloaded")

    # a link the description model forbids in the VNF view is refused with the reason
    page.click('#views button[data-view="vnf"]')
    page.click("#link-mode")
    node(page, "edge_vnfd/vm1").locator("rect").click(position={"x": 6, "y": 6})  # a container: its corner
    node(page, "edge_vnfd/mgmt_vl").click()
    expect(page.locator("#status.refused")).to_contain_text("no link may join VDU to intVL")
    shot("vnf-view-link-refused")
    assert not errors, errors


def _login(page, live_server, name: str) -> None:
    User.objects.create_user(name, password="a-test-password-1")
    page.goto(live_server.url + "/designer/")
    page.fill("#id_username", name)
    page.fill("#id_password", "a-test-password-1")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/designer/")


def _open(page, live_server, project: Project) -> None:
    page.goto(f"{live_server.url}/designer/projects/{project.pk}/")
    page.wait_for_function("document.body.dataset.synced !== undefined")


def _page(browser, tmp_path: Path, height: int = 1000):
    """A page 1400 px wide and ``height`` px high, the list its uncaught errors go to, and
    its :class:`Shots`."""
    page = browser.new_page(viewport={"width": 1400, "height": height})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors, Shots(page, tmp_path)


def _example_opened(page, live_server, user: str, name: str, project_type: str) -> Project:
    """Log ``user`` in (a new account), create project ``name`` from ``project_type``'s
    example and open it in the designer."""
    _login(page, live_server, user)
    project = services.create_from_example(User.objects.get(username=user), name, project_type)
    _open(page, live_server, project)
    return project


def test_tosca_palette_links_and_history(live_server, browser, tmp_path):
    """A TOSCA project: add node templates from the palette, draw requirements (one refused
    by the description model, with the reason), save; then the file's history: revisions
    with author, time and digest, the diff of two, and a restore that brings the graph back."""
    import yaml
    from playwright.sync_api import expect

    page, errors, shot = _page(browser, tmp_path, height=1100)
    project = _example_opened(page, live_server, "tess", "web", "tosca")
    path = next(iter(services.current_files(project)))
    expect(node(page, "vm")).to_have_count(1)

    # the palette offers the normative node types the topology view shows
    expect(page.locator('#palette button[data-type="tosca.nodes.Compute"]')).to_be_enabled()
    page.click('#palette button[data-type="tosca.nodes.Compute"]')
    expect(node(page, "compute1")).to_have_attribute("data-type", "tosca.nodes.Compute")
    page.click('#palette button[data-type="tosca.nodes.SoftwareComponent"]')
    expect(node(page, "softwarecomponent1")).to_have_count(1)
    templates = yaml.safe_load(editor_text(page))["topology_template"]["node_templates"]
    assert templates["compute1"] == {"type": "tosca.nodes.Compute"}
    assert templates["softwarecomponent1"] == {"type": "tosca.nodes.SoftwareComponent"}
    shot("tosca-nodes-added")

    # "any allowed": a software component on a compute node is hosted on it (host requirement)
    page.click("#link-mode")
    node(page, "softwarecomponent1").click()
    node(page, "compute1").click()
    expect(page.locator('#graph line.link[data-type="tosca.relationships.HostedOn"]')).to_have_count(3)
    templates = yaml.safe_load(editor_text(page))["topology_template"]["node_templates"]
    assert templates["softwarecomponent1"]["requirements"] == [{"host": "compute1"}]

    # a LinksTo requirement only joins a port to a network: refused with the model's reason
    page.select_option("#link-type", "tosca.relationships.network.LinksTo")
    node(page, "compute1").click()
    node(page, "net").click()
    expect(page.locator("#status.refused")).to_contain_text(
        "a “links to” link cannot join Compute to Network; it joins Port to Network"
    )
    assert "requirements" not in yaml.safe_load(editor_text(page))["topology_template"]["node_templates"]["compute1"]
    shot("tosca-link-refused")

    # a dependency chosen explicitly
    page.select_option("#link-type", "tosca.relationships.DependsOn")
    node(page, "app").click()
    node(page, "compute1").click()
    expect(page.locator('#graph line.link[data-type="tosca.relationships.DependsOn"]')).to_have_count(1)
    templates = yaml.safe_load(editor_text(page))["topology_template"]["node_templates"]
    assert {"dependency": "compute1"} in templates["app"]["requirements"]
    page.click("#link-mode")
    expect(page.locator("#problems")).to_have_text("")
    page.click("#save")
    expect(page.locator("#status")).to_contain_text(f"saved {path} r2")
    shot("tosca-saved")

    # history: two revisions with author, time and digest; their diff; restore r1
    page.click("#history-toggle")
    expect(page.locator("#revisions tbody tr")).to_have_count(2)
    rows = page.locator("#revisions tbody tr")
    expect(rows.nth(0)).to_contain_text("r2")
    expect(rows.nth(0)).to_contain_text("tess")
    current = services.current_revisions(project)[path]
    expect(rows.nth(0).locator("td").nth(5)).to_have_text(current.digest[:12])
    expect(rows.nth(1)).to_contain_text("r1")
    page.click("#diff-show")
    expect(page.locator("#diff")).to_have_attribute("data-from", "1")
    expect(page.locator("#diff .head").first).to_contain_text(f"{path}@1")
    expect(page.locator("#diff .add", has_text="compute1:")).to_have_count(1)
    expect(page.locator("#diff .add", has_text="host: compute1")).to_have_count(1)
    expect(page.locator("#diff .del")).to_have_count(0)  # graph edits rewrite no line they do not touch
    shot("history-and-diff")

    rows.nth(1).locator("button.restore").click()
    expect(page.locator("#status")).to_contain_text(f"restored r1 of {path} as r3")
    expect(node(page, "compute1")).to_have_count(0)
    expect(page.locator("#revisions tbody tr")).to_have_count(3)
    restored = services.current_revisions(project)[path]
    assert restored.number == 3 and restored.text == project.files.get(path=path).revisions.get(number=1).text
    assert restored.author.username == "tess" and "restored r1" in restored.message
    shot("restored")
    assert not errors, errors


def test_ns_view_links_vnfs_to_virtual_links(live_server, browser, tmp_path):
    """ETSI NS view: a VNF is put on an NS virtual link (VnfProfile.nsVirtualLinkConnectivity
    with a free external CP); a second time, or with no free CP, or a VNF-VNF link, is refused."""
    from playwright.sync_api import expect

    page, errors, shot = _page(browser, tmp_path)
    project = _example_opened(page, live_server, "nina", "fw", "etsi")
    page.click('#views button[data-view="ns"]')
    vnf = "firewall_nsd/firewall_vnfd"
    expect(node(page, vnf)).to_have_count(1)
    expect(page.locator('#graph line.link[data-type="vnf_vl"]')).to_have_count(2)

    # a new NS VL from the palette; the VNF's two external CPs are taken: refused, saying why
    page.click('#palette button[data-type="ns_vl"]')
    expect(node(page, "firewall_nsd/vl1")).to_have_count(1)
    page.click("#link-mode")
    node(page, vnf).click()
    node(page, "firewall_nsd/vl1").click()
    expect(page.locator("#status.refused")).to_contain_text("has no free external CP (vnfExtCpd) to put on vl1")
    # a VNF-VNF link: the description model has none
    node(page, "firewall_nsd/vl1").click()
    node(page, "firewall_nsd/access_vl").click()
    expect(page.locator("#status.refused")).to_contain_text("no link may join VL to VL")
    shot("ns-links-refused")
    page.click("#link-mode")

    # give the VNF a third external CP in the VNF view (on its inside VL), then link it
    page.click('#views button[data-view="vnf"]')
    page.select_option("#file", "firewall_vnfd.yaml")
    page.click('#palette button[data-type="vnf_ext_cp"]')
    expect(node(page, "firewall_vnfd/ext_cp1")).to_have_count(1)
    page.click("#link-mode")
    node(page, "firewall_vnfd/ext_cp1").click()
    node(page, "firewall_vnfd/inside_vl").click()
    expect(page.locator('#graph line.link[data-type="ext_cp_vl"]')).to_have_count(3)
    page.click("#link-mode")
    page.click('#views button[data-view="ns"]')
    expect(node(page, "firewall_nsd/vl1")).to_have_count(1)  # added above, not saved yet
    page.click("#link-mode")
    node(page, vnf).click()
    node(page, "firewall_nsd/vl1").click()
    expect(page.locator('#graph line.link[data-type="vnf_vl"]')).to_have_count(3)
    link = page.locator('#graph line.link[data-type="vnf_vl"]').evaluate_all(
        "els => els.map(e => [e.__data__.source, e.__data__.target])"
    )
    assert [vnf, "firewall_nsd/vl1"] in link
    nsd = json.loads(page.evaluate("window.designer.files['firewall_nsd.json'].text"))
    df = nsd["nsDf"][0]
    assert {"virtualLinkProfileId": "vl1_profile", "virtualLinkDescId": "vl1", "flavourId": "default"} in df[
        "virtualLinkProfile"
    ]
    assert {"virtualLinkProfileId": "vl1_profile", "cpdId": ["ext_cp1"]} in df["vnfProfile"][0][
        "nsVirtualLinkConnectivity"
    ]
    # the same link again is refused
    node(page, vnf).click()
    node(page, "firewall_nsd/vl1").click()
    expect(page.locator("#status.refused")).to_contain_text("is already on vl1")
    page.click("#link-mode")
    expect(page.locator("#problems")).to_have_text("")
    page.click("#save")
    expect(page.locator("#status")).to_contain_text("saved firewall_nsd.json r2, firewall_vnfd.yaml r2")
    shot("ns-vnf-linked-and-saved")
    stored = json.loads(services.current_files(project)["firewall_nsd.json"])
    assert {"virtualLinkProfileId": "vl1_profile", "cpdId": ["ext_cp1"]} in stored["nsDf"][0]["vnfProfile"][0][
        "nsVirtualLinkConnectivity"
    ]
    assert not errors, errors


def test_publish_a_project_to_the_catalogue(live_server, browser, tmp_path, worker):
    """The project page's "Publish to catalogue": a worker translates, commits and pushes the
    saved files and publishes the item, and the page shows the link; a project the
    translators refuse shows each problem with its file, path and rule."""
    from playwright.sync_api import expect

    from nfvo.models import Membership, Tenant
    from tests.fixtures.redis_server import free_port
    from tests.helpers import UNPLACEABLE, register_local_sites

    register_local_sites(tmp_path, free_port(), free_port())
    page, errors, shot = _page(browser, tmp_path)
    _login(page, live_server, "otto")
    otto = User.objects.get(username="otto")
    Membership.objects.create(user=otto, tenant=Tenant.objects.create(name="red"), role="operator")
    project = services.create_from_example(otto, "nested", "tosca")
    _open(page, live_server, project)
    page.get_by_role("button", name="Publish to catalogue").click()
    expect(page.locator('#publish-status[data-status="published"]')).to_be_visible(timeout=120_000)
    expect(page.locator("#publish-status")).to_contain_text("published as nested-container")
    shot("published-to-catalogue")
    page.locator("#publish-status a").click()
    expect(page.locator("h1")).to_have_text("nested-container")
    shot("catalogue-item")
    moon = services.create_project(otto, "moon", "tosca", {"moon.yaml": UNPLACEABLE})
    _open(page, live_server, moon)
    page.get_by_role("button", name="Publish to catalogue").click()
    expect(page.locator('#publish-status[data-status="failed"]')).to_be_visible(timeout=120_000)
    expect(page.locator("#publish-status")).to_contain_text("moon.yaml")
    expect(page.locator("#publish-status")).to_contain_text("[placement.unknown-site]")
    shot("publication-refused")
    assert not errors, errors


def test_a_scaffolded_type_is_designed_from_its_palette(live_server, browser, tmp_path, monkeypatch):
    """A project type made by ``rdcl_new_type`` (found through ``RDCL_TYPES_PATH``) is edited
    as the built-in ones are, by the rules its scaffolded description model carries: the
    palette adds a network, a drawn link is written into the document's ``links``, a link
    its composition constraint forbids is refused with the model's words, and the save
    keeps the text."""
    import yaml
    from playwright.sync_api import expect

    from rdcl.scaffold import scaffold
    from rdcl.types.registry import ENV, clear_cache

    scaffold("lab-net", tmp_path / "types", label="Lab networks")
    monkeypatch.setenv(ENV, str(tmp_path / "types"))
    clear_cache()
    try:
        page, errors, shot = _page(browser, tmp_path)
        project = _example_opened(page, live_server, "lara", "lab", "lab-net")
        path = next(iter(services.current_files(project)))
        expect(node(page, "example/server")).to_have_count(1)
        expect(page.locator('#graph line.link[data-type="attachment"]')).to_have_count(2)

        page.click('#palette button[data-type="network"]')
        expect(node(page, "example/network1")).to_have_attribute("data-type", "network")
        assert {"id": "network1", "label": "network1", "type": "network"} in yaml.safe_load(editor_text(page))["nodes"]

        page.click("#link-mode")
        node(page, "example/server").locator("rect").click(position={"x": 6, "y": 6})  # a container: its corner
        node(page, "example/network1").click()
        expect(page.locator('#graph line.link[data-type="attachment"]')).to_have_count(3)
        links = yaml.safe_load(editor_text(page))["links"]
        assert links[-1] == {"source": "server", "target": "network1", "type": "attachment"}

        # the scaffold's constraint: a function attaches to one network (the app has the LAN)
        node(page, "example/app").click()
        node(page, "example/network1").click()
        expect(page.locator("#status.refused")).to_contain_text("a function attaches to one network")
        assert len(yaml.safe_load(editor_text(page))["links"]) == 3
        shot("scaffolded-type-edited")

        page.click("#link-mode")
        page.click("#save")
        expect(page.locator("#status")).to_contain_text(f"saved {path} r2")
        saved = yaml.safe_load(services.current_revisions(project)[path].text)
        assert saved["links"][-1] == {"source": "server", "target": "network1", "type": "attachment"}
        assert not errors, errors
    finally:
        monkeypatch.delenv(ENV)
        clear_cache()
