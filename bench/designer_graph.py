"""Benchmark: open a designer project whose graph has 500 nodes and 1,000 links in headless
Chromium, until the graph is drawn and responds to a drag. Prints milliseconds; asserts nothing.

    .venv/bin/python bench/designer_graph.py [--nodes 500]

Uses a throw-away SQLite database and state folder, a TOSCA project whose 500 node
templates each depend on the two before them (``dependency`` requirements: 1,000 links in the
``topology`` view), and the built bundle (``cd frontend && npm ci && npm run build``).

Run 1 starts with an empty cache (the server parses the template with tosca-parser: what
the first open after a save cost when saves did not keep the graph); the next runs open the
same, unchanged project, whose graph is cached under the revisions' digests
(:func:`rdcl.services.cached_graph`). Then ``--saves`` times: a changed template is saved
(:func:`rdcl.services.save_file`, timed) and the project opened again: the save kept the
graph of what it stored (:func:`rdcl.services.keep_graph`), so that first open does not
parse.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


def descriptor(count: int) -> str:
    lines = ["tosca_definitions_version: tosca_simple_yaml_1_3", "topology_template:", "  node_templates:"]
    for i in range(count):
        lines += [f"    n{i}:", "      type: tosca.nodes.Root"]
        deps = [f"n{(i - k) % count}" for k in (1, 2)]
        lines += ["      requirements:"] + [f"        - dependency: {d}" for d in deps]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--saves", type=int, default=3)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="rdcl-bench-")
    os.environ.update(
        {
            "RDCL_VAR": var,
            "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
    )
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.contrib.staticfiles.testing import StaticLiveServerTestCase
    from django.core.management import call_command

    from rdcl import services

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench", password="a-bench-password-1")
    started = time.perf_counter()
    project = services.create_project(user, "big", "tosca", {"big.yaml": descriptor(args.nodes)})
    graph = services.graph(project, "topology")
    print(
        f"project created and validated in {(time.perf_counter() - started) * 1000:.0f} ms: "
        f"{len(graph['nodes'])} nodes, {len(graph['links'])} links",
        flush=True,
    )

    StaticLiveServerTestCase.setUpClass()
    url = StaticLiveServerTestCase.live_server_url
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url + "/accounts/login/")
            page.fill("#id_username", "bench")
            page.fill("#id_password", "a-bench-password-1")
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state()
            from django.core.cache import cache

            cache.clear()
            for run in range(args.runs):
                _open(
                    page,
                    f"{url}/designer/projects/{project.pk}/",
                    graph,
                    f"run {run + 1} ({'cold: parsed' if run == 0 else 'cached graph'})",
                )
            text = descriptor(args.nodes)
            for number in range(1, args.saves + 1):
                started = time.perf_counter()
                services.save_file(project, "big.yaml", f"{text}# save {number}\n", number, user)
                saved = (time.perf_counter() - started) * 1000
                _open(
                    page,
                    f"{url}/designer/projects/{project.pk}/",
                    graph,
                    f"after save {number} (saved in {saved:.0f} ms; first open)",
                )
            browser.close()
    finally:
        StaticLiveServerTestCase.tearDownClass()


def _open(page, url: str, graph: dict, label: str) -> None:
    """Open ``url`` until the graph is drawn, drag its first node; print the times."""
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        f"document.querySelectorAll('#graph g.node').length === {len(graph['nodes'])}"
        f" && document.querySelectorAll('#graph line.link').length === "
        f"{len(graph['links'])}",
        polling="raf",
        timeout=60_000,
    )
    drawn = time.perf_counter()
    timing = page.evaluate("""() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const api = performance.getEntriesByType('resource').filter((e) => e.name.includes('/graph/'));
      const js = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('designer.js'));
      return {html: nav ? nav.responseEnd - nav.startTime : null,
              domReady: nav ? nav.domContentLoadedEventEnd - nav.startTime : null,
              js: js.length ? js[0].duration : null,
              graphStart: api.length ? api[0].startTime : null,
              graphApi: api.length ? api[0].duration : null, now: performance.now()};
    }""")
    # one round trip for the node's box and position (Playwright calls cost tens of ms here)
    box, before = page.evaluate("""() => { const d = window.designer, id = d.graph.nodes[0].id;
      const r = document.querySelector(`#graph g.node[data-id="${id}"] circle`).getBoundingClientRect();
      return [{x: r.x, y: r.y, width: r.width, height: r.height}, {...d.pos[id]}]; }""")
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    # by two of its widths: the view is fitted to all 500 nodes, so a node is a few px wide
    # and a fixed 60 px would drop it onto others (the next run would grab one of those)
    page.mouse.move(box["x"] + 3 * box["width"], box["y"] + 2 * box["height"], steps=2)
    page.mouse.up()
    page.wait_for_function(
        "([x]) => window.designer.pos[window.designer.graph.nodes[0].id].x !== x", arg=[before["x"]], polling="raf"
    )
    done = time.perf_counter()
    print(
        f"{label}: graph drawn in "
        f"{(drawn - started) * 1000:.0f} ms, drawn and dragged in {(done - started) * 1000:.0f} ms "
        f"(in the page: HTML {timing['html']:.0f} ms, DOM ready {timing['domReady']:.0f} ms, "
        f"graph request sent at {timing['graphStart']:.0f} ms and answered in {timing['graphApi']:.0f} ms, "
        f"drawn by {timing['now']:.0f} ms)",
        flush=True,
    )


if __name__ == "__main__":
    main()
