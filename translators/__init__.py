"""Descriptor -> model -> HOT, Kubernetes manifests and Ansible playbooks; git pushing.

Pure Python: this package never imports Django. Entry points:

* :func:`translators.translate.translate_file` -- a descriptor file, or a SOL 004 package
  (zip or folder), to a :class:`Translation`;
* :func:`translators.git_push.push` -- a translation committed and pushed with GitPython;
* ``python -m translators translate SRC --out DIR [--to hot|k8s|openshift|playbooks]
  [--k8s-version X.Y] [--sites FILE] [--param NAME=VALUE]`` -- the same from the command
  line (:mod:`translators.__main__`, :mod:`translators.outputs`).

Module map: :mod:`~translators.package` (SOL 004 packages: entry, artifacts, manifest),
:mod:`~translators.sol001` (local SOL 001 type files), :mod:`~translators.flavours` (SOL 001
deployment flavours), :mod:`~translators.tosca_loader` (parse, model), :mod:`~translators.checks`
(what cannot be translated: errors), :mod:`~translators.placement` (sites, order),
:mod:`~translators.relations` (who uses whom), :mod:`~translators.hot` (HOT),
:mod:`~translators.kubernetes` and :mod:`translators.k8s` (manifests),
:mod:`~translators.pods` (a pod site's files), :mod:`~translators.playbooks`,
:mod:`~translators.report` (what was skipped and why), :mod:`~translators.validate`
(HOT and manifest checks), :mod:`~translators.cnf` (SOL 001 container VDUs as pods) with
:mod:`~translators.manifests` (a package's Kubernetes manifests), :mod:`~translators.lcm`
(Vnflcm hooks), :mod:`~translators.locate` and :mod:`~translators.docpath` (where a problem
is: shared with the designer's validator), :mod:`~translators.translate` (all of it together).
"""
