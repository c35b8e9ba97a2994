"""Helpers shared by the tests that register sites."""
from __future__ import annotations

import textwrap


def register_local_sites(tmp_path, os_port: int, k8s_port: int):
    """Register the demo's four sites; the clouds on ``os_port``/``k8s_port`` (closed ports)."""
    from nfvo import sites

    path = tmp_path / "sites.yml"
    path.write_text(textwrap.dedent(f"""\
        sites:
          - {{name: core, kind: openstack, default: true,
             connection: {{os_auth_url: "http://127.0.0.1:{os_port}/v3", os_cloud: core}}}}
          - {{name: edge, kind: kubernetes, default: true, connection: {{k8s_host: "https://127.0.0.1:{k8s_port}"}}}}
          - {{name: core_server, kind: linux, connection: {{rdcl_root: {tmp_path}/core_server}}}}
          - {{name: edge_server, kind: linux, connection: {{rdcl_root: {tmp_path}/edge_server}}}}
        """))
    return sites.load(path)
