"""Descriptor -> model -> HOT, Kubernetes manifests and Ansible playbooks; git publishing.

Pure Python: this package never imports Django. Entry points:

* :func:`translators.translate.translate_file` -- a descriptor file to a :class:`Translation`;
* :func:`translators.publish.publish` -- a translation committed and pushed with GitPython;
* ``python -m translators translate SRC --out DIR`` -- the same from the command line.
"""
