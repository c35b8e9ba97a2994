"""OpenShift on OpenStack as a catalogue item (kind ``openshift``).

Clusters of control-plane, infra and worker machines on Nova VMs plus bare-metal workers
(Ironic through Nova), on the OpenStack site picked in the dialog, in the shape of
OpenShift 4's user-provisioned infrastructure on OpenStack. The kind
(:class:`nfvo.openshift.kind.OpenShiftKind`) is listed in ``settings.RDCL_ITEM_KINDS``; its
finish hook registers a created cluster as an ``openshift`` site (:mod:`nfvo.openshift.sites`).

* :mod:`~nfvo.openshift.cluster`: dialog values -> names, addresses, nodes;
* :mod:`~nfvo.openshift.hot`, :mod:`~nfvo.openshift.install_config`,
  :mod:`~nfvo.openshift.inventory`, :mod:`~nfvo.openshift.files`: the committed definition;
* :mod:`~nfvo.openshift.plan`: what a job would create, per resource;
* :mod:`~nfvo.openshift.catalogue`: publish the item (playbooks under
  ``playbooks/openshift_on_openstack/``).
"""
