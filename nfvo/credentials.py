"""Site credentials: what each kind of site may hold, how a run receives them, how they are masked.

Modelled on AWX's credential types: every credential is its own field, encrypted at rest
(:mod:`nfvo.secrets`, one ``<name>_encrypted`` column of :class:`~nfvo.models.Site` each),
write-only in the API and the admin, and *injected* into one run only:

* ``ssh_private_key`` (linux): the run's ``ssh-agent`` (:mod:`nfvo.ssh_agent`);
* ``ssh_password`` (linux): host variable ``ansible_password``;
* ``become_password`` (linux): host variable ``ansible_become_password``;
* ``os_password`` (openstack): host variable ``os_password`` and ``auth.password`` of the
  site's cloud in the run's ``clouds.yaml``;
* ``os_application_credential_secret`` (openstack): host variable of that name and
  ``auth.application_credential_secret`` (``auth_type: v3applicationcredential``) of the
  site's cloud in the run's ``clouds.yaml``;
* ``k8s_api_key`` (kubernetes, openshift): host variable ``k8s_api_key`` (the
  ``k8s_apply`` role passes it as ``api_key``);
* ``k8s_kubeconfig`` (kubernetes, openshift): a file (mode 0600) in the run's credentials
  folder, named by host variable ``k8s_kubeconfig``;
* ``secret_vars`` (every kind): an object of further secret host variables, as given.

Each run that reaches an OpenStack site writes its own ``clouds.yaml`` (mode 0600, in the
run's credentials folder) and names it in ``OS_CLIENT_CONFIG_FILE``, which makes openstacksdk
read that file alone (``openstack.config.loader``: the override is loaded instead of
``~/.config/openstack``). It holds one cloud per OpenStack site of the run, named by the
site's ``os_cloud`` (default: the site's name), and nothing else, so
``cloud: "{{ os_cloud }}"`` authenticates without the secret in any playbook and no run sees
another site's or tenant's cloud. A site with a stored password or application credential
gets its cloud from its plain connection keys (:data:`CLOUD_AUTH`, :data:`CLOUD_TOP`:
``os_auth_url``, ``os_username``, ``os_project_name``, domains, region...) plus that secret;
a site without one gets the one entry it names from the worker's ``clouds.yaml`` (and
``secure.yaml``), when there is one (:func:`worker_cloud`). A site's ``connection``
(plain host variables) refuses secret-looking keys
(:func:`secret_keys`); :func:`split_connection` moves such keys into credentials (the YAML
loader and migration ``0005_site_credentials`` use it).

A :class:`RunSecrets` gathers what one run injects: the files, the environment, the values
to scrub from everything stored (:meth:`RunSecrets.scrub`) and the host variables to mask
in the stored inventory.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import site_kinds
from .secrets import MASK


@dataclass(frozen=True)
class Credential:
    """One credential a site may hold: ``kinds`` it applies to (empty: every kind),
    ``host_var`` the inventory variable it becomes (None: injected otherwise), and whether
    its value is a JSON object (``secret_vars``) or multi-line text."""

    name: str
    kinds: tuple[str, ...]
    host_var: str | None
    help: str
    multiline: bool = False
    is_object: bool = False


CREDENTIALS = (
    Credential(
        "ssh_private_key",
        ("linux",),
        None,
        "OpenSSH private key (unencrypted); given to the run's ssh-agent, never written to disk",
        True,
    ),
    Credential("ssh_password", ("linux",), "ansible_password", "SSH login password (ansible_password)"),
    Credential(
        "become_password",
        ("linux",),
        "ansible_become_password",
        "privilege escalation password (ansible_become_password)",
    ),
    Credential(
        "os_password",
        ("openstack",),
        "os_password",
        "OpenStack password of the site's cloud (the run's clouds.yaml auth.password)",
    ),
    Credential(
        "os_application_credential_secret",
        ("openstack",),
        "os_application_credential_secret",
        "OpenStack application credential secret (the run's clouds.yaml auth.application_credential_secret)",
    ),
    Credential("k8s_api_key", ("kubernetes", "openshift"), "k8s_api_key", "Kubernetes bearer token (api_key)"),
    Credential(
        "k8s_kubeconfig",
        ("kubernetes", "openshift"),
        None,
        "kubeconfig text; written to a 0600 file of the run, named by k8s_kubeconfig",
        True,
    ),
    Credential("secret_vars", (), None, "further secret host variables: a JSON object {name: value}", is_object=True),
)
BY_NAME = {c.name: c for c in CREDENTIALS}
NAMES = tuple(BY_NAME)

#: Connection keys that are credentials under another name (Ansible's aliases included).
ALIASES = {
    "ansible_password": "ssh_password",
    "ansible_ssh_pass": "ssh_password",
    "ansible_ssh_password": "ssh_password",
    "ansible_become_password": "become_password",
    "ansible_become_pass": "become_password",
    "ansible_sudo_pass": "become_password",
    "ansible_sudo_password": "become_password",
    "os_password": "os_password",
    "os_application_credential_secret": "os_application_credential_secret",
    "k8s_api_key": "k8s_api_key",
    "k8s_auth_api_key": "k8s_api_key",
    "k8s_token": "k8s_api_key",
    "ssh_private_key": "ssh_private_key",
    "k8s_kubeconfig_content": "k8s_kubeconfig",
}
#: Plain site connection keys -> ``auth`` keys of the site's cloud in the run's ``clouds.yaml``.
CLOUD_AUTH = {
    "os_auth_url": "auth_url",
    "os_username": "username",
    "os_user_id": "user_id",
    "os_project_name": "project_name",
    "os_project_id": "project_id",
    "os_user_domain_name": "user_domain_name",
    "os_project_domain_name": "project_domain_name",
    "os_application_credential_id": "application_credential_id",
}
#: Plain site connection keys -> top-level keys of the site's cloud in the run's ``clouds.yaml``.
CLOUD_TOP = {"os_region_name": "region_name", "os_interface": "interface"}
SECRET_NAME = re.compile(
    r"(^|_)(pass|passwd|password|passphrase)($|_)|secret|token|private_key|api_?key"
    r"|credential|auth_key|kubeconfig_content",
    re.I,
)
KUBECONFIG_SECRETS = (
    "token",
    "password",
    "client-key-data",
    "client-certificate-data",
    "id-token",
    "refresh-token",
    "client-secret",
)
CLOUDS_FILE = "clouds.yaml"  # the run's own, in its credentials folder
NOT_SECRET = re.compile(r"_(id|name)$", re.I)  # os_application_credential_id names, does not unlock


def worker_cloud(name: str) -> dict | None:
    """The cloud ``name`` of the worker's own ``clouds.yaml`` merged with its ``secure.yaml``
    (openstacksdk's usual places: ``OS_CLIENT_CONFIG_FILE``, ``~/.config/openstack``,
    ``/etc/openstack``), or None when there is none; only that entry ever reaches a run."""
    # Not a cycle: openstacksdk takes ~0.27 s to import and nfvo.models imports this module.
    from openstack.config.loader import OpenStackConfig

    try:
        clouds = OpenStackConfig(load_envvars=False, vendor_files=[]).cloud_config.get("clouds") or {}
    except Exception:  # an unreadable worker file: the site then has no cloud, and its run says so
        return None
    entry = clouds.get(name)
    return dict(entry) if isinstance(entry, dict) else None


def is_secret_key(key: str) -> bool:
    """True when a host variable's name says it holds a secret (``ansible_ssh_pass``,
    ``os_password``, ``k8s_api_key``, ``*_token``, ``*_secret``, ``ansible_ssh_private_key_file``...);
    ``*_id`` and ``*_name`` are not secrets."""
    return bool(SECRET_NAME.search(key)) and not NOT_SECRET.search(key)


def secret_keys(connection: dict) -> list[str]:
    """The keys of ``connection`` that look like secrets, sorted (empty when it is clean)."""
    return sorted(k for k in connection if is_secret_key(str(k)))


def split_connection(connection: dict) -> tuple[dict, dict]:
    """``(plain connection, {credential name: value})``: secret-looking keys leave the
    connection; known ones (:data:`ALIASES`) become their credential, the others go to
    ``secret_vars`` (an object, injected unchanged as host variables)."""
    plain: dict = {}
    creds: dict[str, Any] = {}
    extra: dict = {}
    for key, value in connection.items():
        if not is_secret_key(str(key)):
            plain[key] = value
        elif key in ALIASES and isinstance(value, str):
            creds[ALIASES[key]] = value
        else:
            extra[key] = value
    if extra:
        creds["secret_vars"] = extra
    return plain, creds


def applies(name: str, kind: str) -> bool:
    """True when credential ``name`` is one a site of ``kind`` may hold."""
    cred = BY_NAME[name]
    return not cred.kinds or kind in cred.kinds


class RunSecrets:
    """What one run (a job, a site check) injects, and how it is hidden again.

    ``folder`` (created mode 0700 on first use, inside the run's private data directory,
    removed with it) receives kubeconfig files and the run's ``clouds.yaml``. :meth:`inject` adds a
    site's credentials to its host variables; :attr:`env` is the environment the run needs;
    :meth:`scrub` replaces every injected value in a text or JSON-like structure by
    :data:`nfvo.secrets.MASK`; :attr:`masked_vars` are the host variables whose values the
    stored inventory hides.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.values: set[str] = set()
        self.masked_vars: dict[str, set[str]] = {}  # host -> variable names
        self._clouds: dict[str, dict] = {}

    def _write(self, name: str, text: str) -> Path:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.folder / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(text)
        return path

    def remember(self, value) -> None:
        """Scrub ``value`` (text, or every string inside an object) from what the run
        stores: the text and its JSON-escaped form."""
        if isinstance(value, dict):
            for v in value.values():
                self.remember(v)
            return
        if isinstance(value, (list, tuple)):
            for v in value:
                self.remember(v)
            return
        text = str(value) if value is not None else ""
        if len(text.strip()) < 4:  # shorter strings would mask half the output; the API refuses them
            return
        self.values.update({text, text.strip(), json.dumps(text)[1:-1]})

    def _remember_key(self, key: str) -> None:
        """An SSH private key: the whole text and each line of its base64 body."""
        self.remember(key)
        for line in key.splitlines():
            if len(line.strip()) >= 16 and not line.startswith("-----"):
                self.remember(line.strip())

    def _remember_kubeconfig(self, text: str) -> None:
        """A kubeconfig: the whole text and every secret in it (tokens, passwords, key data,
        client secrets); not its other lines, which manifests share (``apiVersion: v1``)."""
        self.remember(text)
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None

        def walk(node):
            if isinstance(node, dict):
                for k, v in node.items():
                    if isinstance(v, str) and (str(k) in KUBECONFIG_SECRETS or is_secret_key(str(k))):
                        self.remember(v)
                    else:
                        walk(v)
            elif isinstance(node, list):
                for v in node:
                    walk(v)

        walk(doc)

    def inject(self, site, host: str, hv: dict) -> dict:
        """Add the credentials of ``site`` (a :class:`~nfvo.models.Site`) other than its SSH
        key to ``hv``, the variables of inventory host ``host``; returns ``hv``."""
        masked = self.masked_vars.setdefault(host, set())
        for key in secret_keys(site.connection):  # stored before 0005_site_credentials, or written around the API
            self.remember(hv.get(key))
            masked.add(key)
        for cred in CREDENTIALS:
            value = site.credential(cred.name)
            if not value:
                continue
            if cred.name == "ssh_private_key":  # goes to the agent; scrubbed should a run ever print it
                self._remember_key(value)
                continue
            if cred.name == "k8s_kubeconfig":
                self._remember_kubeconfig(value)
            else:
                self.remember(value)
            if cred.is_object:
                hv.update(value)
                masked.update(value)
            elif cred.name == "k8s_kubeconfig":
                hv["k8s_kubeconfig"] = str(self._write(f"{site.name}.kubeconfig", value))
            elif cred.host_var is not None:
                hv[cred.host_var] = value
                masked.add(cred.host_var)
            if cred.name in ("os_password", "os_application_credential_secret"):
                field = "password" if cred.name == "os_password" else "application_credential_secret"
                cloud = str(hv.get("os_cloud") or site.name)
                entry = self._clouds.setdefault(cloud, {"auth": {}})
                entry["auth"][field] = value
                entry["auth"].update({CLOUD_AUTH[k]: str(v) for k, v in site.connection.items() if k in CLOUD_AUTH})
                entry.update({CLOUD_TOP[k]: str(v) for k, v in site.connection.items() if k in CLOUD_TOP})
                if field == "application_credential_secret":
                    entry["auth_type"] = "v3applicationcredential"
        site_kinds.get(site.kind).inject(self, site, hv)
        if self._clouds:
            self._write(CLOUDS_FILE, yaml.safe_dump({"clouds": self._clouds}))
        return hv

    def add_worker_cloud(self, cloud: str) -> None:
        """The one entry ``cloud`` of the worker's own clouds (:func:`worker_cloud`) into the
        run's ``clouds.yaml``, unless a stored secret made that entry already."""
        if cloud not in self._clouds:
            entry = worker_cloud(cloud)
            if entry is not None:
                self.remember(entry.get("auth") or {})
                self._clouds[cloud] = entry

    @property
    def env(self) -> dict[str, str]:
        """``{"OS_CLIENT_CONFIG_FILE": path, "OS_CLIENT_SECURE_FILE": path}`` (the run's
        ``clouds.yaml``, for both: openstacksdk then reads no other file) when the run has an
        OpenStack cloud, else ``{}``."""
        if not self._clouds:
            return {}
        path = str(self.folder / CLOUDS_FILE)
        return {"OS_CLIENT_CONFIG_FILE": path, "OS_CLIENT_SECURE_FILE": path}

    def scrub(self, data):
        """``data`` (text, or dicts and lists of them) with every injected value masked."""
        if isinstance(data, str):
            for value in sorted(self.values, key=len, reverse=True):
                if value in data:
                    data = data.replace(value, MASK)
            return data
        if isinstance(data, dict):
            return {k: self.scrub(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.scrub(v) for v in data]
        return data

    def public_inventory(self, inventory: dict) -> dict:
        """The inventory with every injected credential masked (what a job row keeps): the
        variables a credential set, and any value holding an injected secret."""
        out: dict[str, Any] = {"all": {"children": {}}}
        for group, data in inventory["all"]["children"].items():
            hosts = {
                h: {k: (MASK if k in self.masked_vars.get(h, ()) else self.scrub(v)) for k, v in hv.items()}
                for h, hv in data["hosts"].items()
            }
            out["all"]["children"][group] = {"hosts": hosts}
        return out
