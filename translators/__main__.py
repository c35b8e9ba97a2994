"""``python -m translators translate SRC --out DIR``: translate from the shell.

Options: ``--to hot|k8s|openshift|playbooks`` (what to write, default ``playbooks``:
everything; see :mod:`translators.outputs`), ``--sites FILE`` (default: the demo
sites), ``--k8s-version X.Y[.Z]`` (schema the manifests are validated against, default
:data:`translators.validate.DEFAULT_K8S_VERSION`), ``--param NAME=VALUE`` (dialog value
used to render manifests for ``k8s``/``openshift``, and for ``hot`` given to
heat-translator as its parameters: HOT parameter defaults, flavor and image choice;
repeatable).

SRC may also be ETSI NFV descriptors (:mod:`translators.etsi`): an IFA 011 VNFD or IFA 014
NSD file (JSON/YAML, told by its ``vnfdId``/``nsdIdentifier`` keys), a folder of them (nested
descriptors under ``k8s/``/``click/``) or an RDCL 3D project JSON; ``--nsd NAME`` picks one
NSD of several. SRC may be a SOL 004 package, zipped (``.zip``/``.csar``) or a folder
(:mod:`translators.package`): its entry is translated, ``--flavour ID`` picks a deployment
flavour (:mod:`translators.flavours`). ``--root DIR``: the folder a TOSCA descriptor's imports must stay in (default:
the descriptor's own folder; :mod:`translators.imports`). The TOSCA they became is written as ``tosca/service.yaml``.

Exit status 0 on success; 1 with every problem listed (file, path, rule) on bad input,
or with the reason when the target has nothing to write; 2 on a bad command line.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .errors import DescriptorError
from .etsi import read_descriptors
from .outputs import TARGETS, OutputError, select, sites_for, write
from .package import is_package
from .sites import DEMO_SITES, SiteMap
from .translate import translate_descriptors, translate_file
from .validate import DEFAULT_K8S_VERSION, schema_version


def _version(text: str) -> str:
    try:
        schema_version(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _param(text: str) -> tuple[str, object]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    return name, yaml.safe_load(value) if value else ""


def _flavour_param(params: list[tuple[str, object]]) -> str | None:
    """``--param flavour_id=ID`` picks the deployment flavour whatever ``--to`` says."""
    value = dict(params).get("flavour_id")
    return None if value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m translators")
    sub = parser.add_subparsers(dest="command", required=True)
    tr = sub.add_parser("translate", help="descriptor -> HOT, manifests and playbooks")
    tr.add_argument("src")
    tr.add_argument("--out", required=True, help="folder; the service goes in OUT/<service>/")
    tr.add_argument("--sites", help="YAML file: sites: [{name, kind, default?}]; default: demo sites")
    tr.add_argument(
        "--to",
        choices=TARGETS,
        default="playbooks",
        help="playbooks: everything (default); hot: HOT of the OpenStack sites only; "
        "k8s/openshift: rendered manifests only, in that flavour",
    )
    tr.add_argument(
        "--k8s-version",
        type=_version,
        default=DEFAULT_K8S_VERSION,
        help=f"Kubernetes version whose schema the manifests must pass (default {DEFAULT_K8S_VERSION})",
    )
    tr.add_argument(
        "--param",
        type=_param,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="dialog value (TOSCA input): renders manifests (k8s/openshift), HOT parameter defaults (hot); repeatable",
    )
    tr.add_argument("--level", help="SOL 001 instantiation level the pods start at (default: the descriptor's)")
    tr.add_argument(
        "--root",
        help="folder a TOSCA descriptor's imports must stay in (default: the descriptor's "
        "folder); imports outside it, absolute paths and URLs are refused",
    )
    tr.add_argument(
        "--flavour",
        help="SOL 001 deployment flavour to translate (default: the flavour_id input's, or the only one)",
    )
    tr.add_argument("--nsd", help="ETSI input with several NSDs: the one to translate (its file stem or project key)")
    args = parser.parse_args(argv)
    sites = SiteMap.from_yaml(args.sites) if args.sites else DEMO_SITES
    try:
        params = dict(args.param) if args.to == "hot" else None
        found = None if is_package(args.src) else read_descriptors(args.src)
        if found is not None:  # ETSI VNFD/NSD files, a folder of them or an RDCL 3D project
            translation = translate_descriptors(
                found[0],
                sites_for(args.to, sites),
                found[1],
                nsd=args.nsd,
                k8s_version=args.k8s_version,
                params=params,
                level=args.level,
                source=Path(args.src).name,
            )
        else:
            translation = translate_file(
                args.src,
                sites_for(args.to, sites),
                k8s_version=args.k8s_version,
                params=params,
                level=args.level,
                root=args.root,
                flavour=args.flavour or _flavour_param(args.param),
            )
        files = select(translation, args.to, dict(args.param))
    except DescriptorError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    except OutputError as exc:
        print(f"{args.src}: {exc}", file=sys.stderr)
        return 1
    folder = write(args.out, translation.name, files)
    print(f"{translation.name}: {len(files)} files ({args.to}) in {folder}")
    for line in translation.report:
        print(f"  report: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
