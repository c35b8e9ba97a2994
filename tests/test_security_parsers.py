"""Issue 10, classes 3, 4 and the parsing 500s of class 10: descriptors stay in their
project, parsers have limits, bad input is a 4xx.

Every attack goes through the public API as a designer (a user with no tenant role: the
least privilege that may create, import and save projects) or a plain tenant ``user``
(orders). The attacks that would kill or exhaust a process (libyaml's C stack, alias
expansion, ``/dev/zero``) run against a real server process started here under
``RLIMIT_AS``, which must still answer afterwards.
"""

from __future__ import annotations

import io
import json
import os
import resource
import socket
import subprocess
import sys
import time
import zipfile

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client, override_settings

from nfvo import pipeline
from rdcl.models import Project
from tests.fixtures.redis_server import free_port

from .conftest import EXAMPLE, REPO
from .helpers import api_client, member, register_local_sites

pytestmark = [pytest.mark.security, pytest.mark.django_db]

API = "/api/rdcl"
CANARY = "canary-5e2b9d"
#: A file outside every project, shaped as YAML so that tosca-parser would quote it.
SECRET_TEXT = f"{CANARY}_line_one: {CANARY}_value\n{CANARY}_line_two: more\n"
TOSCA = "tosca_definitions_version: tosca_simple_yaml_1_3\n"
TYPES = TOSCA + "node_types:\n  my.Type: {derived_from: tosca.nodes.Root}\n"
UP = "../" * 16  # more than any scratch folder is deep


def _template(*imports: str) -> str:
    listed = "".join(f"  - {json.dumps(i)}\n" for i in imports)
    return f"{TOSCA}imports:\n{listed}topology_template:\n  node_templates:\n    vm: {{type: tosca.nodes.Compute}}\n"


@pytest.fixture
def designer():
    return api_client(User.objects.create_user("dana"))


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """A secret file outside any project (``tmp_path/secret.yaml``) and, as the server's
    working directory, a folder holding ``var/admin-password``; both hold the canary."""
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET_TEXT)
    cwd = tmp_path / "server-cwd"
    (cwd / "var").mkdir(parents=True)
    (cwd / "var" / "admin-password").write_text(SECRET_TEXT)
    monkeypatch.chdir(cwd)
    return secret


def _create(api, files: dict, type_name: str = "tosca", name: str = "p"):
    return api.post(f"{API}/projects/", {"name": name, "type": type_name, "files": files}, format="json")


def _refusal(resp, file: str = "main.yaml") -> list[dict]:
    assert resp.status_code == 400, resp.content
    assert CANARY not in resp.content.decode("utf-8", "replace")
    return [p for p in resp.json()["problems"] if p["file"] == file]


# -- class 3: descriptors stay in their folder ----------------------------------------------


@pytest.mark.parametrize(
    "existing,missing,rule",
    [
        ("/etc/passwd", "/etc/passwd-not-there", "import.absolute-path"),
        ("{secret}", "{secret}.not-there", "import.absolute-path"),
        (UP + "etc/passwd", UP + "etc/passwd-not-there", "import.outside-project"),
        (UP + "{secret_rel}", UP + "{secret_rel}.not-there", "import.outside-project"),
        ("file:///etc/passwd", "file:///etc/passwd-not-there", "import.url"),
        ("file://{secret}", "file://{secret}.not-there", "import.url"),
        # relative to the server's working directory: not a file of the project, whatever is there
        ("var/admin-password", "var/admin-password-not-there", "ImportError"),
    ],
    ids=["etc-passwd", "abs-secret", "dotdot-passwd", "dotdot-secret", "file-url", "file-url-secret", "cwd-relative"],
)  # /dev/zero: in test_server_survives_parser_attacks (it exhausted the process)
def test_imports_outside_the_project_are_refused_by_rule_and_answer_alike(designer, outside, existing, missing, rule):
    names = {"secret": str(outside), "secret_rel": str(outside).lstrip("/")}
    existing, missing = existing.format(**names), missing.format(**names)
    answers = []
    for target in (existing, missing):
        problems = _refusal(_create(designer, {"main.yaml": _template(target)}, name=f"p{len(answers)}"))
        assert [(p["path"], p["rule"]) for p in problems] == [("imports[0]", rule)], problems
        assert problems[0]["line"] == 3
        answers.append({**problems[0], "message": problems[0]["message"].replace(target, "<import>")})
    assert answers[0] == answers[1], "an existing file outside the project must answer as a missing one"
    assert not Project.objects.exists()


def test_a_project_file_is_read_never_the_same_name_in_the_working_directory(designer, outside):
    """tosca-parser tried the working directory first: the project's own ``var/admin-password``
    must be the one read (the working directory's holds the canary)."""
    resp = _create(designer, {"main.yaml": _template("var/admin-password"), "var/admin-password": TOSCA})
    assert resp.status_code == 201, resp.content
    assert CANARY not in resp.content.decode()


def test_imports_are_checked_through_imported_files(designer, outside):
    files = {
        "main.yaml": _template("types/t.yaml"),
        "types/t.yaml": f"{TOSCA}imports:\n  - /etc/passwd\n  - {UP}{str(outside).lstrip('/')}\n",
    }
    problems = _refusal(_create(designer, files))
    assert {(p["path"], p["rule"]) for p in problems} == {
        ("imports[0]", "import.absolute-path"),
        ("imports[1]", "import.outside-project"),
    }
    assert all(p["message"].startswith("in types/t.yaml: ") for p in problems)


def test_a_saved_file_cannot_start_importing_outside(designer, outside):
    project = _create(designer, {"main.yaml": _template("types.yaml"), "types.yaml": TYPES}).json()
    types = next(f for f in project["files"] if f["path"] == "types.yaml")
    resp = designer.put(
        f"{API}/projects/{project['id']}/files/{types['id']}/",
        {"text": f"{TYPES}imports:\n  - file://{outside}\n", "base_revision": 1},
        format="json",
    )
    assert any(p["rule"] == "import.url" for p in _refusal(resp, "types.yaml"))


def test_csar_members_import_only_members(designer, outside):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "TOSCA-Metadata/TOSCA.meta",
            "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: x\nEntry-Definitions: main.yaml\n",
        )
        archive.writestr("main.yaml", _template("../../../../../../etc/passwd", f"file://{outside}", "/etc/passwd"))
    resp = designer.post(
        f"{API}/projects/import/", {"file": _named("evil.csar", buffer.getvalue())}, format="multipart"
    )
    assert {(p["path"], p["rule"]) for p in _refusal(resp)} == {
        ("imports[0]", "import.outside-project"),
        ("imports[1]", "import.url"),
        ("imports[2]", "import.absolute-path"),
    }


def test_translate_refuses_an_import_of_etc_passwd(tmp_path):
    src = tmp_path / "service.yaml"
    src.write_text(_template("/etc/passwd", "../../../../../../../../etc/passwd"))
    run = subprocess.run(
        [sys.executable, "-m", "translators", "translate", str(src), "--out", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "imports[0]: [import.absolute-path]" in run.stderr
    assert "imports[1]: [import.outside-project]" in run.stderr
    assert "root:" not in run.stdout + run.stderr and not (tmp_path / "out").exists()


def test_translate_refuses_symlinks_out_of_the_folder_and_special_files(tmp_path, outside):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "link.yaml").symlink_to(outside)
    os.mkfifo(tmp_path / "pkg" / "fifo.yaml")
    (tmp_path / "pkg" / "folder.yaml").mkdir()
    src = tmp_path / "pkg" / "service.yaml"
    src.write_text(_template("link.yaml", "fifo.yaml", "folder.yaml"))
    run = subprocess.run(
        [sys.executable, "-m", "translators", "translate", str(src), "--out", str(tmp_path / "out")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "imports[0]: [import.outside-project]" in run.stderr
    assert "imports[1]: [import.not-a-file]" in run.stderr and "imports[2]: [import.not-a-file]" in run.stderr
    assert CANARY not in run.stdout + run.stderr


# -- class 4: parser limits (what does not kill a process; the rest: see the server test) ---

DEEP = 50_000


def test_deeply_nested_json_descriptor_is_refused_naming_the_limit(designer):
    problems = _refusal(_create(designer, {"v.json": "[" * DEEP + "]" * DEEP}, "etsi"), "v.json")
    assert [p["rule"] for p in problems] == ["limit.depth"]
    assert "RDCL_PARSE_MAX_DEPTH" in problems[0]["message"]


def test_many_documents_under_the_limit_cannot_add_up_in_one_request(designer):
    """Nine documents of ~600,000 expanded nodes each (each under RDCL_PARSE_MAX_NODES):
    together over RDCL_PARSE_MAX_REQUEST_NODES."""
    level = (
        "a: &a ["
        + ",".join(['"lol"'] * 9)
        + "]\n"
        + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(5))
    )
    files = {f"d{n}.yaml": f"n: {n}\n{level}" for n in range(9)}
    resp = _create(designer, files, "etsi")
    assert resp.status_code == 400, resp.content
    rules = {p["rule"] for p in resp.json()["problems"]}
    assert "limit.request-nodes" in rules and "limit.nodes" not in rules, rules


def _tightest_block(levels: int) -> str:
    """Block YAML ``levels`` deep with as little indentation as YAML allows: a sequence at
    its mapping's indentation, then a compact mapping one item further in."""
    out, column = [], 0
    for level in range(levels // 2):
        out.append(" " * column + f"k{level}:")
        out.append(" " * column + "- ")
        column += 2
    return "\n".join(out[:-1]) + "\n" + out[-1] + "x\n"


@pytest.mark.parametrize(
    "text",
    [
        _tightest_block(70),
        "- " * 70 + "x\n",
        "a:\n" + "".join(" " * i + "- b:\n" for i in range(0, 140, 2)),
        "a: " + "[" * 70 + "]" * 70 + "\n",
    ],
    ids=["same-indent-sequences", "compact-sequences", "compact-mappings", "flow"],
)
def test_documents_just_over_the_depth_limit_are_refused(designer, text):
    """The limit is exact however the nesting is written (the scan is skipped only when
    cheap bounds prove a document is within it)."""
    problems = _refusal(_create(designer, {"d.yaml": text}, "etsi"), "d.yaml")
    assert [p["rule"] for p in problems] == ["limit.depth"], problems


def test_deeply_nested_project_json_upload_is_refused(designer):
    body = '{"vnfd": {"x": ' + "[" * DEEP + "]" * DEEP + "}}"
    resp = designer.post(f"{API}/projects/import/", {"file": _named("project.json", body.encode())}, format="multipart")
    problems = _refusal(resp, "project.json")
    assert [p["rule"] for p in problems] == ["limit.depth"]


def test_deeply_nested_request_body_is_400_naming_the_limit(designer):
    body = '{"name": "x", "type": "etsi", "files": ' + "[" * DEEP + "]" * DEEP + "}"
    resp = designer.post(f"{API}/projects/", body, content_type="application/json")
    assert resp.status_code == 400 and "RDCL_PARSE_MAX_DEPTH" in resp.json()["detail"], resp.content


@override_settings(RDCL_API_MAX_JSON_BYTES=4096)
def test_oversize_request_body_is_413_naming_the_limit(designer):
    resp = designer.post(
        f"{API}/projects/", {"name": "big", "type": "etsi", "files": {"v.json": "x" * 5000}}, format="json"
    )
    assert resp.status_code == 413 and "RDCL_API_MAX_JSON_BYTES" in resp.json()["detail"], resp.content
    assert not Project.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_lone_surrogate_in_an_order_value_is_refused_and_lists_keep_working(tmp_path):
    register_local_sites(tmp_path, free_port(), free_port())
    source = tmp_path / "greeting.yaml"
    source.write_text(
        EXAMPLE.read_text().replace(
            "  inputs:\n", "  inputs:\n    greeting:\n      type: string\n      default: hello\n", 1
        )
    )
    _, _, item = pipeline.publish_descriptor(source)
    ana = api_client(member("ana", "red"))
    body = json.dumps({"item": item.name, "mode": "plan", "parameters": {"greeting": "\ud800"}})
    assert "\\ud800" in body
    resp = ana.post("/api/orders/", body, content_type="application/json")
    assert resp.status_code == 400 and "surrogate" in resp.json()["detail"], resp.content
    assert ana.get("/api/orders/").status_code == 200
    assert ana.get("/api/instances/").status_code == 200


# -- class 10: the designer's parsing 500s ----------------------------------------------------


def test_control_characters_in_a_project_name_are_refused_and_downloads_stay_safe(designer):
    for name in ("evil\nname", "evil\rname", "bell\x07", "line\u2028sep"):
        resp = designer.post(f"{API}/projects/", {"name": name, "type": "etsi"}, format="json")
        assert resp.status_code == 400 and "control" in str(resp.json()["errors"]["name"]), resp.content
    made = designer.post(f"{API}/projects/", {"name": "ok", "type": "etsi", "example": "all"}, format="json").json()
    renamed = designer.patch(f"{API}/projects/{made['id']}/", {"name": "x\r\nSet-Cookie: a=b"}, format="json")
    assert renamed.status_code == 400
    # a name stored before the rule (or by other means) still downloads, with a safe header
    Project.objects.filter(pk=made["id"]).update(name='x"\r\nSet-Cookie: a=b')
    for suffix in ("download", "csar"):
        resp = designer.get(f"{API}/projects/{made['id']}/{suffix}/")
        if suffix == "csar":
            assert resp.status_code == 400  # an ETSI project has no CSAR; the point is: no 500
            continue
        assert resp.status_code == 200
        header = resp["Content-Disposition"]
        assert "\r" not in header and "\n" not in header and header.startswith("attachment; filename")
        assert "Set-Cookie" not in resp.headers


def test_bad_zips_are_400(designer):
    good = io.BytesIO()
    with zipfile.ZipFile(good, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("v.json", '{"vnfdId": "' + "a" * 64 + '"}')
    data = good.getvalue()
    corrupt = data.replace(b"a" * 64, b"b" * 64, 1)  # CRC no longer matches
    method = bytearray(data)
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # compression method 99 in both headers
        at = data.index(header) + (8 if header == b"PK\x03\x04" else 10)
        method[at : at + 2] = (99).to_bytes(2, "little")
    for name, blob in (("crc.zip", corrupt), ("method.zip", bytes(method))):
        resp = designer.post(f"{API}/projects/import/", {"file": _named(name, blob)}, format="multipart")
        assert resp.status_code == 400, (name, resp.content)
        assert [p["rule"] for p in resp.json()["problems"]] == ["upload.zip"], name
    assert not Project.objects.exists()


def test_preview_refuses_non_object_files_and_deep_bodies():
    user = User.objects.create_user("dora")
    made = api_client(user).post(f"{API}/projects/", {"name": "e", "type": "etsi", "example": "all"}, format="json")
    browser = Client()
    browser.force_login(user)
    url = f"/designer/projects/{made.json()['id']}/preview/vnf/"
    listed = browser.post(url, json.dumps({"files": ["a.json"]}), content_type="application/json")
    assert listed.status_code == 400 and "files" in listed.json()["detail"]
    deep = browser.post(url, '{"files": ' + "[" * DEEP + "]" * DEEP + "}", content_type="application/json")
    assert deep.status_code == 400 and "RDCL_PARSE_MAX_DEPTH" in deep.json()["detail"]


def _named(name: str, data: bytes) -> io.BytesIO:
    buffer = io.BytesIO(data)
    buffer.name = name
    return buffer


# -- the attacks that would take a server process down -----------------------------------------

#: 9 levels of 9 aliases: 660 bytes, 9^9 (387,420,489) strings once expanded.
LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)
SERVER_MEMORY = 1536 * 1024 * 1024  # RLIMIT_AS of the server: a regression fails the test, not the machine


def _limit_memory():  # runs in the server's child process before exec
    resource.setrlimit(resource.RLIMIT_AS, (SERVER_MEMORY, SERVER_MEMORY))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``manage.py runserver --noreload`` on a free loopback port, with its own state folder
    and database, a designer ``eve``, under ``RLIMIT_AS``; yields ``(process, base URL)``."""
    var = tmp_path_factory.mktemp("server-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "RDCL_TEST_DB")}
    env.update(RDCL_VAR=str(var), DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
    manage = [sys.executable, str(REPO / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=REPO, check=True, timeout=300)
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from django.contrib.auth.models import User; User.objects.create_user('eve', password='pw-eve-2b8f')",
        ],
        env=env,
        cwd=REPO,
        check=True,
        timeout=120,
    )
    port = free_port()
    with (var / "server.log").open("wb") as log:
        proc = subprocess.Popen(
            [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
            env=env,
            cwd=REPO,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=_limit_memory,
        )
        try:  # stopped also when it does not come up
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.3)
            assert proc.poll() is None, (var / "server.log").read_text()
            yield proc, base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


def _session(base: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/accounts/login/", timeout=30)
    login = session.post(
        f"{base}/accounts/login/",
        data={"username": "eve", "password": "pw-eve-2b8f", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert login.status_code == 302, login.text[:500]
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    session.headers["Referer"] = base + "/"
    return session


@pytest.mark.parametrize(
    "type_name,files,rules",
    [
        ("tosca", {"deep.yaml": "a: " + "[" * DEEP + "]" * DEEP + "\n"}, {"limit.depth"}),
        ("etsi", {"deep.yaml": "a: " + "{a: " * DEEP + "}" * DEEP + "\n"}, {"limit.depth"}),
        ("etsi", {"laughs.yaml": LAUGHS}, {"limit.nodes"}),
        ("tosca", {"laughs.yaml": TOSCA + LAUGHS}, {"limit.nodes"}),
        ("tosca", {"main.yaml": _template("/dev/zero")}, {"import.absolute-path"}),
        ("tosca", {"main.yaml": _template(UP + "dev/zero")}, {"import.outside-project"}),
    ],
    ids=[
        "yaml-flow-50000",
        "yaml-map-50000",
        "billion-laughs-etsi",
        "billion-laughs-tosca",
        "dev-zero",
        "dotdot-dev-zero",
    ],
)
def test_server_survives_parser_attacks(server, type_name, files, rules):
    proc, base = server
    assert len(LAUGHS) < 700
    session = _session(base)
    try:
        resp = session.post(
            f"{base}{API}/projects/",
            json={"name": f"attack-{type_name}", "type": type_name, "files": files},
            timeout=60,
        )
    except requests.RequestException as exc:
        pytest.fail(f"the server did not answer the attack: {exc!r} (alive: {proc.poll() is None})")
    assert resp.status_code == 400, resp.text[:2000]
    assert {p["rule"] for p in resp.json()["problems"]} == rules, resp.json()
    assert proc.poll() is None
    assert session.get(f"{base}{API}/types/", timeout=30).status_code == 200  # still answering
