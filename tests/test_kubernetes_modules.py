"""The ``kubernetes.core`` modules the playbooks use load, speak TLS and HTTP, and report the API's answer.

No Kubernetes API server can be installed on these machines, so each module runs through the
real ``ansible-playbook`` against a loopback HTTPS listener (:class:`StatusServer`, a
certificate made for the run with ``cryptography``) that answers every request as an API
server refusing it does: ``401 Unauthorized`` for an unknown bearer token, ``403 Forbidden``
for the known one, each with a Kubernetes ``Status`` body (``kind: Status``, ``reason``,
``message``, ``code``: Kubernetes API conventions, "Response Status Kind"). A module passes
only when its failure carries that answer (the status code and the listener's own message),
so an import error, a missing or incompatible ``kubernetes`` library, a TLS or kubeconfig
problem can never pass. The modules run without the ``k8s_apply`` role's endpoint check, and
the listener must have seen each module's request.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import re
import ssl
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.helpers import run_local_play

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
TOKEN = "rdcl-probe-known-token"  # the listener's one known token: 403; any other: 401
NAMESPACE = "rdcl-probe"

pytestmark = [pytest.mark.integration]

#: One task per use of a ``kubernetes.core`` module in playbooks/roles/k8s_apply, with the
#: arguments it passes there (connection arguments are added by :func:`_tasks`).
USES = {
    "namespace": ("kubernetes.core.k8s", {"kind": "Namespace", "name": NAMESPACE, "state": "present"}),
    "manifests": (
        "kubernetes.core.k8s",
        {"state": "present", "namespace": NAMESPACE, "template": "deployment.yml.j2", "wait": True},
    ),
    "manifests absent": (
        "kubernetes.core.k8s",
        {"state": "absent", "namespace": NAMESPACE, "template": "deployment.yml.j2", "wait": False},
    ),
    "label node": (
        "kubernetes.core.k8s",
        {
            "state": "patched",
            "api_version": "v1",
            "kind": "Node",
            "name": "rdcl-node-0",
            "definition": {"metadata": {"labels": {"rdcl/vdu": "vm"}}},
        },
    ),
    "taint node": (
        "kubernetes.core.k8s_taint",
        {
            "state": "present",
            "name": "rdcl-node-0",
            "taints": [{"key": "rdcl/vdu", "value": "vm", "effect": "NoSchedule"}],
        },
    ),
    "scale deployment": (
        "kubernetes.core.k8s_scale",
        {"kind": "Deployment", "name": "web", "namespace": NAMESPACE, "replicas": 2},
    ),
    "autoscaler bounds": (
        "kubernetes.core.k8s",
        {
            "state": "patched",
            "api_version": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "name": "web",
            "namespace": NAMESPACE,
            "definition": {"spec": {"minReplicas": 2, "maxReplicas": 4}},
        },
    ),
}

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "registry.example.com/web:1"}]}
"""


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (also its own CA) and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "rdcl-probe-apiserver")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "apiserver.crt", folder / "apiserver.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class StatusServer(ThreadingHTTPServer):
    """An HTTPS listener on 127.0.0.1 answering every request with a Kubernetes ``Status``:
    ``403 Forbidden`` when the bearer token is :data:`TOKEN`, else ``401 Unauthorized``.
    :attr:`requests` holds ``(method, path, code)`` of each request answered."""

    daemon_threads = True

    def __init__(self, cert: Path, key: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.requests: list[tuple[str, str, int]] = []

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server_address[1]}"


def status(code: int, method: str, path: str) -> dict:
    """The Kubernetes ``Status`` the listener answers with (``metav1.Status``)."""
    if code == 401:
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": "rdcl-probe: Unauthorized",
            "reason": "Unauthorized",
            "code": 401,
        }
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": f'rdcl-probe: {method} {path} is forbidden: User "system:serviceaccount:rdcl:probe" cannot',
        "reason": "Forbidden",
        "details": {},
        "code": 403,
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        code = 403 if self.headers.get("Authorization") == f"Bearer {TOKEN}" else 401
        body = json.dumps(status(code, self.command, self.path.split("?")[0])).encode()
        self.server.requests.append((self.command, self.path, code))
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, *args) -> None:  # requests are kept in server.requests
        pass


@pytest.fixture(scope="module")
def apiserver(tmp_path_factory):
    """The listener, with :attr:`kubeconfig` (its CA and the known token) and
    :attr:`stale_kubeconfig` (the same with a token it does not know)."""
    folder = tmp_path_factory.mktemp("apiserver")
    cert, key = _certificate(folder)
    server = StatusServer(cert, key)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    kubeconfig = folder / "kubeconfig"
    kubeconfig.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [
                    {
                        "name": "probe",
                        "cluster": {
                            "server": server.url,
                            "certificate-authority-data": base64.b64encode(cert.read_bytes()).decode(),
                        },
                    }
                ],
                "users": [{"name": "probe", "user": {"token": TOKEN}}],
                "contexts": [{"name": "probe", "context": {"cluster": "probe", "user": "probe"}}],
                "current-context": "probe",
            }
        )
    )
    server.kubeconfig = kubeconfig
    stale = yaml.safe_load(kubeconfig.read_text())
    stale["users"][0]["user"]["token"] = "rdcl-probe-unknown-token"
    server.stale_kubeconfig = folder / "kubeconfig-stale"
    server.stale_kubeconfig.write_text(yaml.safe_dump(stale))
    yield server
    server.shutdown()
    server.server_close()


def _tasks(connection: dict) -> list[dict]:
    return [
        {"name": name, module: {**args, **connection}, "register": "out", "ignore_errors": True}
        for name, (module, args) in USES.items()
    ]


def _run(tmp_path: Path, tasks: list[dict], python: str = sys.executable) -> dict[str, dict]:
    """Run ``tasks`` on localhost with ``ansible-playbook`` (json callback, a clean
    environment: no ``K8S_AUTH_*``, no ``KUBECONFIG``); ``{task name: result}``."""
    (tmp_path / "deployment.yml.j2").write_text(DEPLOYMENT)
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
        "ANSIBLE_PYTHON_INTERPRETER": python,
        "ANSIBLE_HOME": str(tmp_path / "ansible"),
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "tmp"),
        "ANSIBLE_NOCOLOR": "1",
    }
    doc = run_local_play(tmp_path, tasks, env)
    return {t["task"]["name"]: t["hosts"]["localhost"] for t in doc["plays"][0]["tasks"]}


def _assert_refused(results: dict[str, dict], code: int, reason: str, marker: str) -> None:
    """Each module failed, and its message carries the API's code, reason and message."""
    assert set(results) == set(USES), results
    for name, result in results.items():
        text = json.dumps(result)
        assert result.get("failed"), (name, text[:2000])
        assert str(code) in text and reason in text and marker in text, (name, text[:2000])


def test_every_module_gets_the_api_servers_401(apiserver, tmp_path):
    """A kubeconfig whose token the API server does not know (a site's stale ``k8s_kubeconfig``):
    TLS verified against its CA, every module fails with the listener's ``401 Unauthorized``."""
    before = len(apiserver.requests)
    results = _run(tmp_path, _tasks({"kubeconfig": str(apiserver.stale_kubeconfig)}))
    _assert_refused(results, 401, "Unauthorized", "rdcl-probe: Unauthorized")
    seen = apiserver.requests[before:]
    assert seen and {c for _, _, c in seen} == {401}, seen


def test_every_module_gets_the_api_servers_403(apiserver, tmp_path):
    """The kubeconfig's token (a site's ``k8s_kubeconfig``): TLS verified against its CA; every
    module fails with the listener's ``403 Forbidden`` Status naming the request it refused."""
    before = len(apiserver.requests)
    results = _run(tmp_path, _tasks({"kubeconfig": str(apiserver.kubeconfig)}))
    _assert_refused(results, 403, "Forbidden", "is forbidden")
    seen = apiserver.requests[before:]
    assert seen and {c for _, _, c in seen} == {403}, seen


def test_a_module_that_cannot_import_its_library_does_not_pass(apiserver, tmp_path):
    """The check above can fail: under Debian's ``/usr/bin/python3`` (no ``kubernetes``
    library) the modules fail before any request, and their results carry no 401."""
    probe = subprocess.run(["/usr/bin/python3", "-c", "import kubernetes"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip("/usr/bin/python3 has the kubernetes library")
    before = len(apiserver.requests)
    results = _run(tmp_path, _tasks({"kubeconfig": str(apiserver.kubeconfig)}), python="/usr/bin/python3")
    with pytest.raises(AssertionError):
        _assert_refused(results, 403, "Forbidden", "is forbidden")
    assert len(apiserver.requests) == before


#: Modules that cannot reach the network here, with the test that drives them as far as they go.
NO_API_HERE = {"kubernetes.core.helm": "test_helm_loads_and_stops_at_the_missing_helm_binary"}


def test_helm_loads_and_stops_at_the_missing_helm_binary(tmp_path):
    """``kubernetes.core.helm`` (Helm charts of container VDUs) runs the ``helm`` binary, which
    these machines lack (the ``k8s_apply`` role checks for it and refuses charts by name): the
    module loads in the project's virtualenv, parses the role's arguments and stops exactly
    there, naming the binary, not at an import or argument error."""
    args = {"release_name": "cache", "chart_ref": str(tmp_path / "cache.tgz"), "release_namespace": NAMESPACE}
    task = {"name": "helm", "kubernetes.core.helm": args, "register": "out", "ignore_errors": True}
    result = _run(tmp_path, [task])["helm"]
    text = json.dumps(result)
    assert result.get("failed"), text[:2000]
    assert "Failed to find required executable" in text and "helm" in text, text[:2000]


def test_every_module_the_playbooks_use_is_exercised():
    """Every ``kubernetes.core.*`` module named under playbooks/ or in translators/ is in :data:`USES`,
    or in :data:`NO_API_HERE` with the test that drives it."""
    used = set()
    for path in [*(REPO / "playbooks").rglob("*.yml"), *(REPO / "translators").rglob("*.py")]:
        used |= set(re.findall(r"^\s*(kubernetes\.core\.\w+):", path.read_text(), re.MULTILINE))
    modules = {module for module, _ in USES.values()} | set(NO_API_HERE)
    assert used and used <= modules, used - modules
    assert all(test in globals() for test in NO_API_HERE.values())
