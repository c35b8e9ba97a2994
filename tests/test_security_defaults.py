"""Issue 10, class 9 (defaults) and the dialog part of class 10 (remote ``$ref``, catastrophic
patterns): each test performs the attack through the public surface (HTTP, the login page,
the API as the least-privileged role that could try it, a process started with a clean
environment) and asserts what must hold."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import override_settings
from rest_framework.test import APIClient

from nfvo import services
from nfvo.models import AuditEntry, CatalogueItem, Order, Site
from tests.fixtures.redis_server import free_port

from .helpers import api_client, member, nothing_remote

pytestmark = [pytest.mark.security, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def _clean_env(var: Path, **extra) -> dict:
    """The environment of a fresh install: nothing but PATH, HOME and the state folder."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(var),
        "RDCL_VAR": str(var),
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **extra,
    }


def _settings_values(var: Path, **extra) -> dict:
    code = (
        "import json, config.settings as s; print(json.dumps({'DEBUG': s.DEBUG, 'SECRET_KEY': s.SECRET_KEY, "
        "'AUTH': s.REST_FRAMEWORK['DEFAULT_AUTHENTICATION_CLASSES'], 'VALIDATORS': len(s.AUTH_PASSWORD_VALIDATORS)}))"
    )
    run = subprocess.run(
        [PYTHON, "-c", code], cwd=REPO, env=_clean_env(var, **extra), capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_a_fresh_install_has_debug_off_and_its_own_keys_0600_stable_across_restarts(tmp_path):
    first = _settings_values(tmp_path)
    assert first["DEBUG"] is False  # debug pages (settings, URL patterns) are never served by default
    assert "rest_framework.authentication.BasicAuthentication" not in first["AUTH"] and first["VALIDATORS"] >= 4
    key_file = tmp_path / "secret.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first["SECRET_KEY"] == key_file.read_text().strip() and len(first["SECRET_KEY"]) >= 50
    assert "development-only" not in first["SECRET_KEY"]
    assert _settings_values(tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]  # a restart keeps it
    assert _settings_values(tmp_path / "other")["SECRET_KEY"] != first["SECRET_KEY"]  # one per install
    assert _settings_values(tmp_path, SECRET_KEY="given-" + "k" * 50)["SECRET_KEY"] == "given-" + "k" * 50
    assert _settings_values(tmp_path, DEBUG="1")["DEBUG"] is True  # only when asked for
    # the Fernet key of site credentials: the same rule
    code = "import django; django.setup(); from nfvo import secrets; print(secrets.decrypt(secrets.encrypt('x')))"
    for _ in range(2):
        run = subprocess.run(
            [PYTHON, "-c", code], cwd=REPO, env=_clean_env(tmp_path), capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0 and run.stdout.strip() == "x", run.stderr
    assert stat.S_IMODE((tmp_path / "fernet.key").stat().st_mode) == 0o600


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    def check(**env):
        return subprocess.run(
            [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=REPO,
            env=_clean_env(tmp_path, **env),
            capture_output=True,
            text=True,
            timeout=300,
        )

    production = check(RDCL_HTTPS="1", ALLOWED_HOSTS="nfvo.example.com")
    assert production.returncode == 0, production.stdout + production.stderr
    assert "no issues" in production.stdout
    plain_http = check(ALLOWED_HOSTS="nfvo.example.com")  # the check is real: without RDCL_HTTPS it warns
    assert plain_http.returncode != 0 and "security.W004" in plain_http.stderr + plain_http.stdout


def _get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read().decode(errors="replace")


@pytest.mark.integration  # starts manage.py runserver
def test_runserver_with_debug_off_lists_no_urls_and_still_serves_the_gui_static_files(tmp_path):
    port = free_port()
    log = tmp_path / "runserver.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPO,
            env=_clean_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                status, _, page = _get(base + "/no-such-page/")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                time.sleep(0.2)
        assert status == 404
        assert "api/rdcl/" not in page and "URLconf" not in page and "DEBUG" not in page  # no URL patterns
        status, _, page = _get(base + "/admin/login/")
        assert status == 200
        css = [part.split('"')[0] for part in page.split('href="')[1:] if part.split('"')[0].endswith(".css")]
        assert css, page
        status, _, page = _get(base + "/api/docs/")
        assert status == 200
        scripts = [part.split('"')[0] for part in page.split('src="')[1:] if part.split('"')[0].endswith(".js")]
        assert scripts, page
        for path in css + scripts + ["/static/console/console.js", "/static/console/console.css"]:
            status, kind, body = _get(base + path)
            assert status == 200 and body, path
            assert ("css" if path.endswith(".css") else "javascript") in kind, (path, kind)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_password_validators_refuse_a_weak_password_where_users_are_made(client):
    User.objects.create_superuser("root", password="a-long-admin-passphrase")
    client.force_login(User.objects.get(username="root"))
    for weak in ("password", "12345678901234", "short-1"):
        resp = client.post(
            "/admin/auth/user/add/",
            {"username": "weak", "password1": weak, "password2": weak, "usable_password": "true"},
        )
        assert resp.status_code == 200, weak  # the form again, with the validator's error
        assert not User.objects.filter(username="weak").exists(), weak
    strong = "correct-horse-battery-staple-17"
    resp = client.post(
        "/admin/auth/user/add/",
        {"username": "strong", "password1": strong, "password2": strong, "usable_password": "true"},
    )
    assert resp.status_code == 302 and User.objects.get(username="strong").check_password(strong)


def _login(client, username: str, password: str, addr: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": username, "password": password}, **extra)


def _failures(username: str):
    return AuditEntry.objects.filter(action="login_failed", target=f"user:{username}").order_by("id")


def test_failed_logins_are_audited_with_the_peer_address_and_throttled_after_five(client):
    member("ana", "red")
    for attempt in range(5):
        resp = _login(client, "ana", f"guess-{attempt}", "203.0.113.7")
        assert resp.status_code == (200 if attempt < 4 else 429)  # the form again; the fifth locks out
        assert "_auth_user_id" not in client.session
    failed = list(_failures("ana"))
    assert len(failed) == 5 and {e.remote_addr for e in failed} == {"203.0.113.7"}
    assert all("guess" not in json.dumps(e.detail) for e in failed)  # no password in the log
    locked = _login(client, "ana", "pw-ana", "203.0.113.7")  # the right password, too late
    assert locked.status_code == 429 and "_auth_user_id" not in client.session
    assert _failures("ana").count() == 6 and _failures("ana").last().detail == {"locked_out": True}
    # another address is not locked out (lockout is per username and client address)
    assert _login(client, "ana", "pw-ana", "198.51.100.9").status_code == 302


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(client):
    member("ana", "red")
    # a client rotating X-Forwarded-For does not dodge the throttle, nor choose its logged address
    for attempt in range(5):
        _login(client, "ana", "wrong", "203.0.113.7", forwarded=f"10.9.8.{attempt}")
    assert {e.remote_addr for e in _failures("ana")} == {"203.0.113.7"}
    assert _login(client, "ana", "pw-ana", "203.0.113.7", forwarded="10.9.9.9").status_code == 429
    # behind a configured proxy the client's address is the one the proxy appended
    with override_settings(RDCL_TRUSTED_PROXIES=["192.0.2.0/28"]):
        member("bob", "red")
        _login(client, "bob", "wrong", "192.0.2.1", forwarded="6.6.6.6, 198.51.100.20, 192.0.2.2")
        assert _failures("bob").last().remote_addr == "198.51.100.20"  # not the spoofed 6.6.6.6
        assert _login(client, "bob", "pw-bob", "192.0.2.1", forwarded="198.51.100.21").status_code == 302
        assert AuditEntry.objects.filter(action="login", target="user:bob").last().remote_addr == "198.51.100.21"


def test_basic_auth_is_refused_and_api_tokens_work(client):
    import base64

    from django.core.management import call_command

    member("ana", "red")
    basic = APIClient()
    basic.credentials(HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"ana:pw-ana").decode())
    assert basic.get("/api/tenants/").status_code in (401, 403)
    assert not AuditEntry.objects.filter(action="login").exists()
    assert client.login(username="ana", password="pw-ana")  # a session (the GUI's login)
    made = client.post("/api/token/")
    assert made.status_code == 201 and made.json()["user"] == "ana"
    key = made.json()["token"]
    assert client.post("/api/token/").json()["token"] == key  # the same one until revoked
    bot = APIClient()
    bot.credentials(HTTP_AUTHORIZATION="Token " + key)
    assert bot.get("/api/tenants/").json()["results"] == [{"name": "red", "description": ""}]
    assert bot.delete("/api/token/").status_code == 204
    assert bot.get("/api/tenants/").status_code == 401  # revoked
    assert [a for a in AuditEntry.objects.order_by("id").values_list("action", flat=True) if "token" in a] == [
        "create_token",
        "revoke_token",
    ]
    out = __import__("io").StringIO()
    call_command("drf_create_token", "ana", stdout=out)  # the command-line way
    cli = APIClient()
    cli.credentials(HTTP_AUTHORIZATION="Token " + out.getvalue().split()[2])
    assert cli.get("/api/tenants/").status_code == 200


@pytest.fixture
def remote(tmp_path):
    """A bare repository whose ``main`` holds ``books/nothing.yml``, and a site to run it on."""
    url = nothing_remote(tmp_path)
    Site.objects.create(name="edge_a", kind="linux")
    return url


def _publication(remote: str, name: str, dialog: dict) -> dict:
    return {
        "name": name,
        "repository": remote,
        "ref": "main",
        "folder": "books",
        "playbooks": {"create": "nothing.yml"},
        "sites": ["edge_a"],
        "dialog": dialog,
        "queue": "security-tests-no-worker",
    }


def test_403_answers_are_new_objects_not_one_shared_response(remote):
    ana, bob = api_client(member("ana", "red")), api_client(member("bob", "blue"))
    first = ana.post("/api/catalogue/", _publication(remote, "x", {"type": "object"}), format="json")
    assert first.status_code == 403
    first["X-Shown-To"] = "ana"
    first.set_cookie("sessionid", "ana-session")
    second = bob.post("/api/catalogue/", _publication(remote, "x", {"type": "object"}), format="json")
    assert second.status_code == 403 and second.json()["detail"] == "your role does not allow this"
    assert second is not first
    assert "X-Shown-To" not in second and "sessionid" not in second.cookies


class _Recorder(BaseHTTPRequestHandler):
    """Answers any GET with an empty JSON Schema and records the path (a remote $ref target)."""

    seen: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).seen.append(self.path)
        body = b"{}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """An HTTP server on loopback that records every request; yields its base URL and the list."""
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def test_a_dialog_ref_to_a_remote_url_is_refused_and_never_fetched(remote, listener):
    base, seen = listener
    oli = api_client(member("oli", "red", "operator"))
    for ref_key in ("$ref", "$dynamicRef"):
        dialog = {"type": "object", "properties": {"greeting": {ref_key: base + "/evil.json"}}}
        resp = oli.post("/api/catalogue/", _publication(remote, "reffy", dialog), format="json")
        assert resp.status_code == 400, resp.content
        assert any(base + "/evil.json" in msg and ref_key in msg for msg in resp.json()["errors"]["dialog"])
    assert not CatalogueItem.objects.filter(name="reffy").exists()
    # an item stored with one (published before the check) is refused at order time, not fetched
    item = services.publish_repository(
        "older",
        remote,
        "main",
        "books",
        {"create": "nothing.yml"},
        ["edge_a"],
        dialog_schema={"type": "object", "properties": {}},
        queue="security-tests-no-worker",
    )
    CatalogueItem.objects.filter(pk=item.pk).update(
        dialog={"type": "object", "properties": {"greeting": {"$ref": base + "/order.json"}}}
    )
    uma = api_client(member("uma", "red"))
    resp = uma.post("/api/orders/", {"item": "older", "parameters": {"greeting": "hi"}}, format="json")
    assert resp.status_code == 400 and base + "/order.json" in json.dumps(resp.json())
    assert not Order.objects.exists()
    assert seen == []  # nothing asked the listening server for anything


def test_dialog_patterns_run_on_re2_and_catastrophic_ones_cost_nothing(remote):
    oli = api_client(member("oli", "red", "operator"))
    # RE2 has no backreferences nor lookaround: such patterns are refused by path, not run by Python's re
    refused = {
        "properties/greeting/pattern": {"properties": {"greeting": {"type": "string", "pattern": r"^(a+)\1$"}}},
        "patternProperties": {"patternProperties": {"^(?=x)": {"type": "string"}}},
        "properties/tags/propertyNames/pattern": {
            "properties": {"tags": {"type": "object", "propertyNames": {"pattern": r"(?<=a)b"}}}
        },
    }
    for where, dialog in refused.items():
        resp = oli.post(
            "/api/catalogue/", _publication(remote, "patterned", {"type": "object", **dialog}), format="json"
        )
        assert resp.status_code == 400, resp.content
        assert any(msg.startswith(where + ":") and "RE2" in msg for msg in resp.json()["errors"]["dialog"]), resp.json()
    dialog = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"greeting": {"type": "string", "pattern": "^(a+)+$"}},
        "patternProperties": {"^(b+)+$": {"type": "integer"}},
    }
    assert oli.post("/api/catalogue/", _publication(remote, "patterned", dialog), format="json").status_code == 201
    uma = api_client(member("uma", "red"))
    evil = "a" * 30 + "b"  # 2^30 backtracking steps for Python's re on each of these
    resp = uma.post(
        "/api/orders/", {"item": "patterned", "parameters": {"greeting": evil, "b" * 30 + "c": 1}}, format="json"
    )
    assert resp.status_code == 400
    errors = resp.json()["errors"]["parameters"]
    assert "does not match" in errors["greeting"][0] and "not a field" in errors["b" * 30 + "c"][0]
    ok = uma.post("/api/orders/", {"item": "patterned", "parameters": {"greeting": "aaaa", "bbb": 3}}, format="json")
    assert ok.status_code == 201, ok.content


def test_a_huge_list_limit_is_capped_not_a_server_error():
    """Found by the schemathesis run: ``?limit=`` past SQLite's integers was a 500."""
    uma = api_client(member("uma", "red"))
    for path in ("/api/orders/", "/api/instances/", "/api/jobs/", "/api/tenants/", "/api/rdcl/projects/"):
        resp = uma.get(path, {"limit": str(10**30), "offset": "-5"})
        assert resp.status_code == 200, (path, resp.status_code)
    assert uma.get("/api/tenants/", {"limit": "5000"}).json()["results"] == [{"name": "red", "description": ""}]
