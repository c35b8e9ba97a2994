"""Every HOT the translators make from the corpus, created and deleted on a real Heat.

Each descriptor of ``../shared/corpus`` (``RDCL_CORPUS``) is translated as
``python -m translators translate --to hot`` does (the demo sites,
:func:`translators.sweep.by_folder`); each OpenStack site's templates (``stack.yaml``, its
nested templates and the files it reads with ``get_file``) are written to a folder and
created as a stack through openstacksdk's ``create_stack``, the call the
``openstack.cloud.stack`` module of the generated playbooks makes (it reads ``get_file``
and nested templates from beside ``stack.yaml``), as the member user. The site gives its
defaults as the playbooks do (:func:`site_parameters`: the HOT parameters
:data:`translators.hot.SITE_NETWORK`, :data:`~translators.hot.SITE_FLAVOR`,
:data:`~translators.hot.SITE_IMAGE` when the template declares them).

Outcome per sample (:func:`outcome`), written as the table ``tests/data/heat_sweep.yaml``:

* ``created``: CREATE_COMPLETE, then deleted (DELETE_COMPLETE);
* ``refused: <Heat's reason>``: the create call was refused (HTTP 4xx, its message) or the
  stack ended CREATE_FAILED (``stack_status_reason``); ids are written ``<id>``;
* ``not-hostable: <types>; rest created|refused: ...``: the template uses resource types this
  control plane does not run (:func:`not_hostable`: Cinder, Aodh, Senlin, Swift, software
  deployments that wait for a signal from the server, which ``fake.FakeDriver`` servers never
  send). Those types are mapped to Heat's own ``OS::Heat::None`` in the stack's environment
  (``resource_registry``), so everything else of the template is still created for real.
  A port that needs SR-IOV or bare-metal hardware (:func:`hardware_ports`) is not hostable
  either; such a stack is not created at all (its servers read the port).

Every stack is deleted after (a failed delete is tried once more); one that still does not
go is in :attr:`Sweep.undeleted`, which the test wants empty.

By hand, against any cloud of a ``clouds.yaml`` (``OS_CLIENT_CONFIG_FILE``)::

    .venv/bin/python -m tests.heat_sweep --cloud rdcl-member [--write tests/data/heat_sweep.yaml]

prints the table and the counts (``--write``: regenerates the committed table).
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import re
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
TABLE_FILE = ROOT / "tests" / "data" / "heat_sweep.yaml"

#: Resource types this control plane cannot host (no Cinder, Aodh, Senlin, Swift; the servers
#: of ``fake.FakeDriver`` never signal, so a software deployment would wait until its timeout).
NOT_HOSTABLE_PREFIXES = ("OS::Cinder::", "OS::Aodh::", "OS::Senlin::", "OS::Swift::")
NOT_HOSTABLE_TYPES = frozenset(
    {
        "OS::Heat::SoftwareDeployment",
        "OS::Heat::SoftwareDeploymentGroup",
        "OS::Heat::StructuredDeployment",
        "OS::Heat::StructuredDeploymentGroup",
        "OS::Heat::WaitCondition",
    }
)
#: Seconds a stack may take to create or delete before the sweep calls it stuck (Heat's stack
#: timeout, which also bounds its delete; a busy 2-core machine needs minutes per server).
STACK_TIMEOUT = 900
#: Stacks created at once (the control plane serves them; 2 cores).
CONCURRENCY = 10
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{32}\b")


@dataclass(frozen=True)
class Site:
    """What an OpenStack site supplies to a stack: names of its network, flavor and image
    (a site's ``os_network``, ``os_flavor``, ``os_image``)."""

    network: str
    flavor: str
    image: str


@dataclass
class Candidate:
    """One OpenStack site's HOT of one sample: ``files`` (name -> text, ``stack.yaml`` the
    main template), the resource types in them that are not hostable here, the ports that need
    hardware this control plane lacks (:func:`hardware_ports`: the stack is not created)."""

    sample: str
    files: dict[str, str]
    not_hostable: list[str] = field(default_factory=list)
    hardware: list[str] = field(default_factory=list)
    #: ``{HOT parameter: {vcpus, ram, disk}}``: flavors the apply picks by size (group_vars'
    #: ``heat_stack_flavor_sizes``).
    flavor_sizes: dict[str, dict[str, int]] = field(default_factory=dict)


def _types(files: dict[str, str]) -> set[str]:
    out = set()
    for name, text in files.items():
        if name.startswith("artifacts/"):
            continue
        doc = yaml.safe_load(text)
        if isinstance(doc, dict) and "heat_template_version" in doc:
            out |= {r.get("type") for r in (doc.get("resources") or {}).values() if isinstance(r, dict)}
    return {t for t in out if isinstance(t, str)}


def not_hostable(files: dict[str, str]) -> list[str]:
    """Sorted resource types of the HOT ``files`` (every template among them) that this
    control plane cannot host (see :data:`NOT_HOSTABLE_TYPES`)."""
    return sorted(t for t in _types(files) if t.startswith(NOT_HOSTABLE_PREFIXES) or t in NOT_HOSTABLE_TYPES)


def hardware_ports(files: dict[str, str]) -> list[str]:
    """``OS::Neutron::Port binding:vnic_type=X`` for each port type of ``files`` that needs
    hardware this control plane lacks (SR-IOV, bare metal: ``fake.FakeDriver`` has no PCI
    device, Nova answers "Claim pci failed"). A stack with one is not created: its servers
    read the port."""
    out = set()
    for name, text in files.items():
        doc = {} if name.startswith("artifacts/") else yaml.safe_load(text)
        for body in ((doc or {}).get("resources") or {}).values():
            vnic = ((body or {}).get("properties") or {}).get("binding:vnic_type")
            if (body or {}).get("type") == "OS::Neutron::Port" and vnic not in (None, "normal"):
                out.add(f"OS::Neutron::Port binding:vnic_type={vnic}")
    return sorted(out)


def candidates(corpus: Path) -> tuple[list[Candidate], int]:
    """The HOT of every corpus descriptor that translates with an OpenStack part, per
    sample (relative path; ``#<site>`` appended when a sample has several OpenStack sites),
    and the number of descriptors looked at."""
    from translators.sites import DEMO_SITES
    from translators.sweep import by_folder

    out, seen = [], 0
    for tally in by_folder(corpus, DEMO_SITES).values():
        seen += len(tally.translated) + len(tally.rejected)
        for found in tally.translated:
            assert found.translation is not None
            sites = [p.site for p in found.translation.parts if p.kind == "openstack"]
            for site in sites:
                prefix = f"templates/{site}/"
                files = {k[len(prefix) :]: v for k, v in found.translation.files.items() if k.startswith(prefix)}
                name = str(found.path.relative_to(corpus)) + (f"#{site}" if len(sites) > 1 else "")
                group = json.loads(found.translation.files[f"group_vars/{site}.json"])
                sizes = group.get("heat_stack_flavor_sizes") or {}
                out.append(Candidate(name, files, not_hostable(files), hardware_ports(files), sizes))
    return out, seen


def site_parameters(files: dict[str, str], site: Site) -> dict[str, str]:
    """The site's values for the HOT parameters ``stack.yaml`` declares, as the playbooks
    give them (:func:`translators.playbooks.group_vars`)."""
    from translators import hot

    declared = (yaml.safe_load(files["stack.yaml"]) or {}).get("parameters") or {}
    given = {
        getattr(hot, "SITE_NETWORK", "rdcl_network"): site.network,
        getattr(hot, "SITE_FLAVOR", "rdcl_flavor"): site.flavor,
        getattr(hot, "SITE_IMAGE", "rdcl_image"): site.image,
    }
    return {k: v for k, v in given.items() if k in declared}


def _network_references(node: object) -> set[str]:
    """Parameters ``node`` reads as an existing network (``network: {get_param: p}`` of a port
    or of a server's ``networks``), as opposed to the name of a network it creates."""
    found: set[str] = set()
    if isinstance(node, dict):
        ref = node.get("network")
        if isinstance(ref, dict) and isinstance(ref.get("get_param"), str):
            found.add(ref["get_param"])
        for value in node.values():
            found |= _network_references(value)
    elif isinstance(node, list):
        for value in node:
            found |= _network_references(value)
    return found


def dialog_values(files: dict[str, str], site: Site | None = None, unique: str = "") -> dict[str, object]:
    """A value for each parameter of ``stack.yaml`` without a default that is no site
    parameter: a TOSCA input the descriptor leaves unset, which the order's dialog asks
    for. The sweep answers as a user who knows the site: an input a port or server reads as
    its network gets the ``site``'s network, one named for an image or a flavor
    (``image_name``...) the site's, one named for a key the key pair :data:`SITE_KEYPAIRS`
    holds; else the first allowed value, the low end of a range, or ``rdcl-sweep<unique>`` /
    1 / false / ``{}`` by type (``unique``: so that names a stack creates never meet another
    stack's)."""
    from translators import heat_fit

    known = {"image": site.image, "flavor": site.flavor} if site else {}
    known["key"] = SITE_KEYPAIRS[0]
    docs = [yaml.safe_load(t) for n, t in files.items() if not n.startswith("artifacts/")]
    networks = set().union(*(_network_references((d or {}).get("resources")) for d in docs if isinstance(d, dict)))
    out: dict[str, object] = {}
    for name, spec in ((yaml.safe_load(files["stack.yaml"]) or {}).get("parameters") or {}).items():
        if name in heat_fit.SITE_PARAMETERS or not isinstance(spec, dict) or "default" in spec:
            continue
        text = f"rdcl-sweep{unique}"
        value: object = {"number": 1, "boolean": False, "json": {}, "comma_delimited_list": text}.get(
            str(spec.get("type")), text
        )
        if spec.get("type", "string") == "string":
            if name in networks and site:
                value = site.network
            value = next((v for word, v in known.items() if word in name.lower()), value)
        for rule in spec.get("constraints") or []:
            if rule.get("allowed_values"):
                value = rule["allowed_values"][0]
            elif isinstance(rule.get("range"), dict) and "min" in rule["range"]:
                value = rule["range"]["min"]
            elif isinstance(rule.get("length"), dict) and "min" in rule["length"]:
                value = "x" * max(int(rule["length"]["min"]), len(str(value)))
        out[name] = value
    return out


def sized_flavors(conn, sizes: dict[str, dict[str, int]]) -> dict[str, str]:
    """``{HOT parameter: flavor id}``: the cloud's smallest enabled flavor of at least each size,
    as role ``heat_stack`` picks it (``tasks/flavors.yml``); a size none fits is left out (Heat
    then refuses the missing parameter, which the sweep reports)."""
    flavors = sorted(
        (f for f in conn.compute.flavors() if not f.is_disabled), key=lambda f: (f.vcpus, f.ram, f.disk, f.name)
    )
    out = {}
    for param, size in sizes.items():
        fits = [f for f in flavors if f.vcpus >= size["vcpus"] and f.ram >= size["ram"] and f.disk >= size["disk"]]
        if fits:
            out[param] = fits[0].id
    return out


#: What corpus descriptors name as already on the site, besides flavors and images: a network
#: (``network_name: net_mgmt``) and a key pair (an input's default ``key_name: inputkey``).
SITE_NETWORKS = ("net_mgmt",)
#: Images corpus descriptors name that heat-translator's catalogue lacks.
SITE_IMAGES = ("cirros-0.3.4-x86_64-uec",)
SITE_KEYPAIRS = ("inputkey",)


def seed_keypairs(member) -> None:
    """Give the member user (an openstacksdk connection) the key pairs of
    :data:`SITE_KEYPAIRS` (key pairs belong to a user). Idempotent."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    for name in SITE_KEYPAIRS:
        if member.compute.find_keypair(name, ignore_missing=True) is None:
            public = (
                ed25519.Ed25519PrivateKey.generate()
                .public_key()
                .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
            )
            member.compute.create_keypair(name=name, public_key=public.decode())


def seed(admin, project: str = "rdcl") -> None:
    """Give the cloud (an admin openstacksdk connection) heat-translator's catalogue, public:
    the flavors and images it picks from a Compute's host and os properties
    (``translator.common.flavors.PREDEF_FLAVORS``, ``translator.common.images.PREDEF_IMAGES``),
    as a site offering what the descriptors ask for does, and the networks they name
    (:data:`SITE_NETWORKS`, :data:`SITE_IMAGES`); and lift the compute quotas of ``project`` (Nova's default of 10
    instances would refuse stacks created at once). Idempotent."""
    from translator.common.flavors import PREDEF_FLAVORS
    from translator.common.images import PREDEF_IMAGES

    admin.set_compute_quotas(project, instances=-1, cores=-1, ram=-1)
    for name in SITE_NETWORKS:  # shared, as an operator's provider network is
        if admin.network.find_network(name, ignore_missing=True) is None:
            net = admin.network.create_network(name=name, is_shared=True)
            admin.network.create_subnet(network_id=net.id, ip_version=4, cidr="10.99.0.0/24", name=f"{name}-subnet")

    for name, size in sorted(PREDEF_FLAVORS.items()):
        if admin.compute.find_flavor(name, ignore_missing=True) is None:
            admin.compute.create_flavor(
                name=name, vcpus=size["num_cpus"], ram=size["mem_size"], disk=size["disk_size"], is_public=True
            )
    for name in sorted(PREDEF_IMAGES) + list(SITE_IMAGES):
        if admin.image.find_image(name, ignore_missing=True) is None:
            image = admin.image.post(
                "/images",
                json={"name": name, "disk_format": "raw", "container_format": "bare", "visibility": "public"},
            ).json()
            admin.image.put(
                f"/images/{image['id']}/file", data=b"\0" * 4096, headers={"Content-Type": "application/octet-stream"}
            )


def reason(text: object) -> str:
    """Heat's message, one line, ids as ``<id>``, the sweep's stack names as ``<stack>``, an
    admin-only QoS type as ``OS::Neutron::QoS*``."""
    text = UUID.sub("<id>", " ".join(str(text).split()))
    # Heat names the first admin-only QoS type it checks, in no fixed order (a QoSPolicy and
    # its QoSBandwidthLimitRule): one outcome either way
    text = re.sub(r"resource_types:OS::Neutron::QoS\w+", "resource_types:OS::Neutron::QoS*", text)
    return re.sub(r"rdcl-sweep-\d+", "<stack>", text)


class Sweep:
    """Creates and deletes the candidates' stacks on the cloud ``cloud`` (an openstacksdk
    cloud dictionary, or the name of a cloud of ``clouds.yaml``), ``concurrency`` at once,
    each thread with its own connection."""

    def __init__(self, cloud: dict | str, site: Site, concurrency: int = CONCURRENCY):
        self.cloud, self.site, self.concurrency = cloud, site, concurrency
        self._local = threading.local()
        #: ``{sample: why}`` of the stacks that did not delete (twice), after :meth:`run`.
        self.undeleted: dict[str, str] = {}

    def _conn(self):
        if getattr(self._local, "conn", None) is None:
            import openstack

            self._local.conn = (
                openstack.connect(cloud=self.cloud)
                if isinstance(self.cloud, str)
                else openstack.connect(**{k: v for k, v in self.cloud.items() if k != "auth"}, **self.cloud["auth"])
            )
        return self._local.conn

    def run(self, found: list[Candidate]) -> dict[str, str]:
        """``{sample: outcome}`` (see the module doc), every stack deleted afterwards."""
        conn = self._conn()
        seed_keypairs(conn)
        for stack in list(conn.orchestration.stacks()):  # a sweep stopped halfway left them
            if re.fullmatch(r"rdcl-sweep-\d+", stack.name):
                self._delete(conn, stack.name)
        with (
            tempfile.TemporaryDirectory(prefix="rdcl-heat-sweep-") as tmp,
            concurrent.futures.ThreadPoolExecutor(self.concurrency) as pool,
        ):
            jobs = {
                c.sample: pool.submit(self.outcome, c, Path(tmp) / str(i), f"rdcl-sweep-{i}")
                for i, c in enumerate(found)
            }
            out = {}
            for job in concurrent.futures.as_completed(jobs.values()):
                sample = next(k for k, v in jobs.items() if v is job)
                out[sample] = job.result()
                print(f"{len(out)}/{len(jobs)} {sample}: {out[sample]}", file=sys.stderr, flush=True)
            return dict(sorted(out.items()))

    def outcome(self, candidate: Candidate, folder: Path, name: str) -> str:
        """Create ``candidate``'s stack as ``name`` from files written under ``folder``,
        wait for it, delete it; its outcome line."""
        from openstack import exceptions

        if candidate.hardware:
            return f"not-hostable: {', '.join(candidate.not_hostable + candidate.hardware)}"
        for rel, text in candidate.files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text)
        env = []
        if candidate.not_hostable:
            (folder / ".sweep-env.yaml").write_text(
                yaml.safe_dump({"resource_registry": {t: "OS::Heat::None" for t in candidate.not_hostable}})
            )
            env = [str(folder / ".sweep-env.yaml")]
        conn = self._conn()
        answers = dialog_values(candidate.files, self.site, name.removeprefix("rdcl-sweep"))
        for attempt in range(3):
            try:
                conn.create_stack(
                    name,
                    template_file=str(folder / "stack.yaml"),
                    environment_files=env,
                    rollback=False,
                    wait=False,
                    timeout=STACK_TIMEOUT,
                    **{k: v for k, v in answers.items() if k not in candidate.flavor_sizes},
                    **site_parameters(candidate.files, self.site),
                    **sized_flavors(conn, candidate.flavor_sizes),
                )
                result = self._settle(conn, name, "CREATE")
            except (exceptions.SDKException, OSError) as exc:  # refused at the API, or a file it reads is missing
                result = f"refused: {reason(getattr(exc, 'details', None) or exc)}"
                # the API's answer when its RPC to a busy engine timed out: the engine may still
                # create the stack (then it settles), else the create is sent again
                if "Internal Server Error" in result and attempt < 2:
                    time.sleep(10)
                    if conn.orchestration.find_stack(name, ignore_missing=True) is not None:
                        result = self._settle(conn, name, "CREATE")
                    else:
                        continue
            break
        deleted = self._delete(conn, name) and self._delete(conn, name)  # Heat retries a failed delete
        if deleted:
            self.undeleted[candidate.sample] = deleted
        head = f"not-hostable: {', '.join(candidate.not_hostable)}; rest " if candidate.not_hostable else ""
        return head + result

    def _settle(self, conn, name: str, action: str) -> str:
        deadline = time.monotonic() + STACK_TIMEOUT
        while time.monotonic() < deadline:
            stack = conn.orchestration.find_stack(name, ignore_missing=True)
            status = getattr(stack, "status", None)
            if status == f"{action}_COMPLETE":
                return "created"
            if status and not status.endswith("IN_PROGRESS"):
                return f"refused: {reason(stack.status_reason)}"
            time.sleep(1)
        return f"refused: still {action}_IN_PROGRESS after {STACK_TIMEOUT} s"

    def _delete(self, conn, name: str) -> str:
        """Delete stack ``name`` and wait until it is gone; '' or why it did not go."""
        deadline = time.monotonic() + STACK_TIMEOUT
        stack = conn.orchestration.find_stack(name, ignore_missing=True)
        if stack is None:
            return ""
        conn.orchestration.delete_stack(stack)
        while time.monotonic() < deadline:
            stack = conn.orchestration.find_stack(name, ignore_missing=True)
            if stack is None or stack.status == "DELETE_COMPLETE":
                return ""
            if stack.status == "DELETE_FAILED":
                return reason(stack.status_reason)
            time.sleep(1)
        return f"still DELETE_IN_PROGRESS after {STACK_TIMEOUT} s"


def heat_properties(conn) -> dict[str, list[str]]:
    """``{resource type: sorted property names}`` of every resource type the cloud's Heat
    offers (``GET /resource_types``, ``GET /resource_types/{type}``): the data of
    :data:`translators.heat_fit.PROPERTIES_FILE`."""
    names = conn.orchestration.get("/resource_types").json()["resource_types"]
    return {n: sorted(conn.orchestration.get(f"/resource_types/{n}").json()["properties"]) for n in sorted(names)}


def shape(candidate: Candidate) -> tuple:
    """What decides whether Heat creates ``candidate``'s stack, as a hashable key: per template
    file (``stack.yaml`` first), its resources' types with their property names, sorted. Two
    samples of one shape differ only in names and values."""
    out = []
    for name in sorted(candidate.files, key=lambda n: (n != "stack.yaml", n)):
        if name.startswith("artifacts/"):
            continue
        doc = yaml.safe_load(candidate.files[name])
        if not (isinstance(doc, dict) and "heat_template_version" in doc):
            continue
        out.append(
            tuple(
                sorted(
                    (str(b.get("type")), tuple(sorted(b.get("properties") or {})))
                    for b in (doc.get("resources") or {}).values()
                    if isinstance(b, dict)
                )
            )
        )
    return tuple(out), tuple(candidate.hardware)


def representatives(found: list[Candidate]) -> list[Candidate]:
    """One candidate per :func:`shape` (the first by sample name): what CI creates for real."""
    first: dict[tuple, Candidate] = {}
    for c in sorted(found, key=lambda c: c.sample):
        first.setdefault(shape(c), c)
    return sorted(first.values(), key=lambda c: c.sample)


def counts(table: dict[str, str]) -> dict[str, int]:
    """``{created, refused, not-hostable}`` counts of a table (a not-hostable sample counts
    there whatever happened to the rest of it)."""
    kinds = collections.Counter(v.split(":")[0].split(";")[0] for v in table.values())
    return {k: kinds.get(k, 0) for k in ("created", "refused", "not-hostable")}


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module doc."""
    from tests.conftest import CORPUS
    from tests.fixtures.openstack import FLAVOR, IMAGE, NETWORK

    parser = argparse.ArgumentParser(prog="python -m tests.heat_sweep")
    parser.add_argument("--cloud", required=True, help="cloud name in clouds.yaml (a member user)")
    parser.add_argument(
        "--admin-cloud", help="cloud name of an admin: first give the cloud heat-translator's catalogue"
    )
    parser.add_argument("--corpus", default=str(CORPUS))
    parser.add_argument("--network", default=NETWORK)
    parser.add_argument("--flavor", default=FLAVOR)
    parser.add_argument("--image", default=IMAGE)
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument("--only", action="append", help="sweep only this sample (repeatable)")
    parser.add_argument("--write", help="write the table (YAML) to this file")
    parser.add_argument("--properties", help="only write the cloud's Heat resource properties (JSON) to this file")
    args = parser.parse_args(argv)
    if args.properties:
        import json

        import openstack

        data = heat_properties(openstack.connect(cloud=args.cloud))
        Path(args.properties).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        return 0
    if args.admin_cloud:
        import openstack

        seed(openstack.connect(cloud=args.admin_cloud))
    start = time.perf_counter()
    found, seen = candidates(Path(args.corpus))
    if args.only:
        found = [c for c in found if c.sample in args.only]
    translated = time.perf_counter()
    sweep = Sweep(args.cloud, Site(args.network, args.flavor, args.image), args.concurrency)
    table = sweep.run(found)
    text = yaml.safe_dump(table, sort_keys=True, width=1000, allow_unicode=True)
    print(text)
    print(
        f"{seen} descriptors, {len(found)} HOT stacks: {counts(table)} "
        f"(translate {translated - start:.0f} s, Heat {time.perf_counter() - translated:.0f} s); "
        f"not deleted: {sweep.undeleted or 'none'}",
        file=sys.stderr,
    )
    if args.write:
        Path(args.write).write_text(HEADER + text)
    return 0


HEADER = """\
# Every HOT the translators make from ../shared/corpus, created and deleted on a real Heat
# (tests/heat_sweep.py, checked by tests/test_openstack_sweep.py). Regenerate with
#   .venv/bin/python -m tests.heat_sweep --cloud rdcl-member --write tests/data/heat_sweep.yaml
# against `python -m tests.fixtures.openstack`'s clouds.yaml, then read the diff.
#   created                       CREATE_COMPLETE as the member user, then deleted
#   refused: REASON               Heat's reason (README "Templates real Heat refuses")
#   not-hostable: TYPES; rest ... types this control plane lacks, mapped to OS::Heat::None;
#                                 what the rest of the template did
"""


if __name__ == "__main__":
    sys.exit(main())
