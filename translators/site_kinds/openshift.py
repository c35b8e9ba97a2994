"""OpenShift sites: Kubernetes sites whose manifests are of the ``openshift`` flavour
(a Route per exposed Service, the service's Project first, :mod:`translators.pods`)."""

from __future__ import annotations

from .kubernetes import Kubernetes


class OpenShift(Kubernetes):
    """An OpenShift cluster: a Kubernetes one whose manifests add Routes and a Project."""

    name = "openshift"
    flavour = "openshift"


KIND = OpenShift()
