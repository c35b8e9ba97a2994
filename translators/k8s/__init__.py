"""Kubernetes and OpenShift manifests for container nodes, one module per object kind.

:mod:`translators.kubernetes` assembles them per node; the modules here each build one
kind from the service model: :mod:`.workload` (apps/v1 Deployment), :mod:`.config`
(v1 ConfigMap), :mod:`.network` (v1 Service, networking.k8s.io/v1 NetworkPolicy),
:mod:`.scaling` (autoscaling/v2 HorizontalPodAutoscaler), :mod:`.scheduling` (nested
VDUs: node selectors, affinities, tolerations and the node labels they need),
:mod:`.openshift` (route.openshift.io/v1 Route, project.openshift.io/v1 Project).
"""
