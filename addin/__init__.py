"""整改台账助手 (zhenggai): check poverty-alleviation rectification ledgers in Excel.

The core (``addin.ledger``, ``addin.rules``, ``addin.report``) never imports
xlwings; ``addin.excel`` (ribbon actions), ``addin.udfs`` (worksheet functions)
and ``addin.cli`` are thin front-ends over it.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("zhenggai")
except PackageNotFoundError:  # running from a checkout without installing
    __version__ = "0.0.0+checkout"

__all__ = ["__version__"]
