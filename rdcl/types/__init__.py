"""Project types: one plugin folder each (``tosca``, ``tosca_nfv``, ``etsi``, ``nested_vdu``).

Public API::

    from rdcl.types import get_type, types, detect
    plugin = get_type("nested-vdu")            # a ProjectType
    problems = plugin.validate(files)          # [FileProblem(path, rule, message, line, file)]
    model = plugin.parse(files)
    problems, model = plugin.validate_and_parse(files)   # one reading; model None unless valid
    graph = plugin.graph(model, "nested")      # {"view", "nodes": [...], "links": [...]}
    plugin.check_link("vnf", "vnf_vdu")        # LinkCheck(allowed=False, reason=...)

``files``: a path (file, folder, zip, CSAR), a list of paths, or ``{name: text | data}``.
"""

from ..exceptions import RegistryError
from .base import ProjectType
from .description import DescriptionError, DescriptionModel, LinkCheck
from .detect import detect, detect_source
from .problems import FileProblem
from .registry import clear_cache, get_type, types

__all__ = [
    "DescriptionError",
    "DescriptionModel",
    "FileProblem",
    "LinkCheck",
    "ProjectType",
    "RegistryError",
    "clear_cache",
    "detect",
    "detect_source",
    "get_type",
    "types",
]
