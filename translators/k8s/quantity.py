"""TOSCA sizes and CPU counts as Kubernetes resource quantities (core/v1 Quantity).

TOSCA Simple Profile 1.3 scalar-unit.size (``B``, ``kB``, ``KiB``,
``MB``, ``MiB``... case-insensitive) becomes the shortest exact quantity (``2 GB`` ->
``2G``, ``256 MiB`` -> ``256Mi``, ``1.5 GB`` -> ``1500M``); a CPU count becomes whole
cores or millicores (``0.5`` -> ``500m``, ``milli_cpus: 1500`` -> ``1500m``).
"""

from __future__ import annotations

from typing import Any

from .common import is_expr

_BINARY = (("Ei", 2**60), ("Pi", 2**50), ("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10))
_DECIMAL = (("E", 10**18), ("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3))


def cpu(value: Any) -> str:
    """CPU quantity of ``value`` cores; an input expression is kept for run time.

    :raises ValueError: not a positive number.
    """
    if is_expr(value):
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise ValueError(f"num_cpus {value!r} is not a positive number")
    millis = round(value * 1000)
    if millis == 0:
        raise ValueError(f"num_cpus {value!r} is less than a millicore")
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def millicpu(value: Any) -> str:
    """CPU quantity of ``value`` thousandths of a CPU; an input expression ``{{ x }}``
    becomes ``{{ x }}m``.

    :raises ValueError: not a positive integer.
    """
    if is_expr(value):
        return f"{value}m"
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"milli_cpus {value!r} is not a positive integer")
    return cpu(value / 1000)


def memory(value: Any) -> str:
    """Memory quantity of a TOSCA scalar-unit.size.

    :raises ValueError: an input expression (its unit is only known at run time) or not
        a size.
    """
    from toscaparser.elements.scalarunit import ScalarUnit_Size

    if is_expr(value):
        raise ValueError(f"mem_size {value!r} comes from an input; its unit cannot be converted before run time")
    try:
        size = ScalarUnit_Size(value).get_num_from_scalar_unit("B")
    except Exception as exc:  # tosca-parser raises ValueError or its own errors
        raise ValueError(f"mem_size {value!r} is not a scalar-unit.size: {exc}") from None
    size = round(size)
    if size <= 0:
        raise ValueError(f"mem_size {value!r} is not positive")
    options = [f"{size // factor}{suffix}" for suffix, factor in _BINARY + _DECIMAL if size % factor == 0]
    return min(options + [str(size)], key=lambda q: (len(q), q))
