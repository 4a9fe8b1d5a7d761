"""Where the bundled data files (ledger definitions, rules, schemas, samples) live.

In a source checkout they are the top-level ``templates/`` folder; in an installed
wheel the same folder ships as the resource package ``addin.templates``. Every
loader goes through :func:`templates_dir` so the two layouts never diverge.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

_CHECKOUT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
_CHECKOUT_RIBBON = Path(__file__).resolve().parent.parent / "ribbon"


@functools.cache
def templates_dir() -> Path:
    """The folder holding ``ledgers/``, ``rules/``, ``schemas/``, ``samples/`` and ``settings/``."""
    if (_CHECKOUT_TEMPLATES / "schemas").is_dir():
        return _CHECKOUT_TEMPLATES
    spec = importlib.util.find_spec("addin.templates")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise FileNotFoundError("找不到内置模板目录 templates/，请重新安装 zhenggai")


def template_path(*parts: str) -> Path:
    """A file below the templates folder, e.g. ``template_path("schemas", "ledger.schema.json")``."""
    return templates_dir().joinpath(*parts)


@functools.cache
def ribbon_dir() -> Path:
    """The folder holding the add-in sources ``customUI14.xml`` and ``RibbonMyAddin.bas``.

    Top-level ``ribbon/`` in a checkout, the resource package ``addin.ribbon`` in a wheel.
    """
    if (_CHECKOUT_RIBBON / "customUI14.xml").is_file():
        return _CHECKOUT_RIBBON
    spec = importlib.util.find_spec("addin.ribbon")
    if spec is not None and spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    raise FileNotFoundError("找不到加载项源文件目录 ribbon/，请重新安装 zhenggai")
