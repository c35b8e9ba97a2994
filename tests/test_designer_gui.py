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
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    shot = Shots(page, tmp_path)

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
    page.evaluate("""([n]) => { const ed = window.designerEditor; const line = ed.state.doc.line(n);
        ed.dispatch({changes: {from: line.from, to: line.to, insert: line.text.replace('"vm1"', '"vm9"')},
        selection: {anchor: line.from}, scrollIntoView: true}); }""",
                  [bad_line])
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
    page.evaluate("""([t]) => { const ed = window.designerEditor;
        ed.dispatch({changes: {from: 0, to: ed.state.doc.length, insert: t}}); }""", [good])
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
    node(page, "edge_vnfd/vm1").click()
    node(page, "edge_vnfd/mgmt_vl").click()
    expect(page.locator("#status.refused")).to_contain_text("no link type joins 'vnf_vdu' to 'vnf_vl'")
    shot("vnf-view-link-refused")
    assert not errors, errors
