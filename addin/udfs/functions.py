"""The ZG_ worksheet functions: thin xlwings wrappers over ``addin.udfs.logic``.

One module serves both ways Excel can call Python:

* classic xlwings UDFs (Windows desktop Excel, the ``zhenggai.xlam`` add-in): here
  ``xw.func``/``xw.arg`` are ``xlwings.udfs.xlfunc``/``xlarg``; the VBA wrappers are
  generated from this module at build time;
* the xlwings Server / Office.js path (``XLWINGS_ON_SERVER=true``): ``xw.func`` is
  ``xlwings.server.func`` and ``xlwings.server.custom_functions_meta(module)`` builds
  the custom-functions metadata from the same decorators.

Both read the function description from the docstring and each argument's
description from ``@xw.arg(..., doc=...)``, so the docstrings below are the
Chinese text users see in Excel (one line: the classic path cuts at 255 characters)
and developer notes are comments.

Decorator choices (the same on both paths unless noted):

* ``call_in_wizard=False`` (classic only; the server ignores it): the function wizard
  would otherwise run a 10,000-row check on every keystroke.
* no ``volatile``: results change only when their arguments change. Functions whose
  default reference date is "today" (ZG_AGE, ZG_OVERDUE) document that passing
  TODAY() makes them follow the date, which Excel then recalculates itself.
* every argument ``ndim=2``: a single cell arrives as [[v]] and a range as rows, so
  ``logic`` can tell a row from a column and return the same shape (a scalar for
  one cell, an array that spills otherwise).
* no ``@xw.ret(expand=...)``: ZG_CHECKS returns a list of lists, which Excel 365
  (and Office.js) spill natively; Excel 2016/2019 need it entered as an array formula.
* every argument is read by :class:`Cells` (xlwings' value reader without a
  per-cell cost of xlwings 0.37.8 on the Office.js path, see :class:`_CleanCells`).
* ``category`` (classic only) groups the functions in Excel's Insert Function dialog.
* annotations are ``Any`` / ``list[list[str]]``: xlwings turns annotations into
  converters, and these map to its plain value converter.
"""

from __future__ import annotations

import sys
from typing import Any

import xlwings as xw
from xlwings.conversion import Accessor, CleanDataFromReadStage, ConversionContext, Options, Pipeline, ValueAccessor

from addin.udfs import logic


class _CleanCells:
    """xlwings' cell-cleaning stage, with a fast path for Office.js arguments.

    xlwings 0.37.8 cleans each cell of an Office.js argument with
    ``xlwings.utils.is_jsnull``, which retries ``from pyodide.ffi import JsNull`` per
    cell; outside Pyodide each failed import walks sys.path again (~35 µs), 7 s for
    a 10,000 × 20 ZG_CHECKS table. The fast path does the same cleaning once per
    value (empty text → None, an error value → None, a data-type value → its basic
    value) without the probe. Desktop (COM) and Pyodide arguments keep xlwings' stage.
    """

    def __init__(self, options: Options) -> None:
        self.standard = CleanDataFromReadStage(options)

    def __call__(self, ctx: ConversionContext) -> None:
        if ctx.engine.name != "officejs" or sys.platform == "emscripten":
            self.standard(ctx)
            return
        ctx.value = [
            [None if v == "" else (_office_value(v) if isinstance(v, dict) else v) for v in row] for row in ctx.value
        ]


def _office_value(value: dict[str, Any]) -> Any:
    return None if value.get("type") == "Error" else value.get("basicValue")


class Cells(Accessor):
    """The converter of every ZG_ argument: xlwings' value reader with :class:`_CleanCells`."""

    @classmethod
    def reader(cls, options: Options) -> Pipeline:
        return ValueAccessor.reader(options).insert_stage(_CleanCells(options), replace=CleanDataFromReadStage)


CATEGORY = "整改台账助手"
"""Classic Excel's Insert Function category (the server ignores it)."""

FUNCTION_NAMES = ("ZG_CHECK", "ZG_CHECKS", "ZG_IDCARD", "ZG_AGE", "ZG_OVERDUE", "ZG_RISK", "ZG_OWNER")


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("row_range", Cells, ndim=2, doc="要检查的一行数据，列与表头一一对应")
@xw.arg("header_range", Cells, ndim=2, doc="该表的表头行（可含1～3行分组表头）")
def ZG_CHECK(row_range: Any, header_range: Any) -> Any:
    """检查台账中的一行：返回该行的全部问题（用“；”分隔），没有问题时返回空白。"""
    # Only row-level findings: a missing column would repeat on every row (ZG_CHECKS
    # reports it once, on the table's first row). Rules across rows (duplicates, one
    # ID in several households) need the whole table, i.e. ZG_CHECKS.
    return logic.check_row(row_range, header_range)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("table_range", Cells, ndim=2, doc="整张表格区域，包括表头行（可含表头上方的标题行）")
def ZG_CHECKS(table_range: Any) -> list[list[str]]:
    """一次检查整张表（含表头）：逐行返回问题说明，首行说明整张表的问题；结果自动向下溢出。"""
    return logic.check_table(table_range)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("id_number", Cells, ndim=2, doc="身份证号（单元格或一列区域；建议单元格设为文本格式）")
def ZG_IDCARD(id_number: Any) -> Any:
    """检查身份证号：有效时返回空白，无效时返回原因（如校验位错误、被存为数字）。"""
    return logic.idcard_reason(id_number)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("id_number", Cells, ndim=2, doc="身份证号（单元格或一列区域）")
@xw.arg("as_of", Cells, ndim=2, doc="可省略：计算年龄的参照日期，默认为设置中的日期或今天；填 TODAY() 可每天自动更新")
def ZG_AGE(id_number: Any, as_of: Any = None) -> Any:
    """按身份证号中的出生日期计算周岁年龄；身份证号无法使用时返回原因。"""
    return logic.age(id_number, as_of)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("deadline", Cells, ndim=2, doc="整改时限：日期，或“6月底前”“2024年三季度”“立行立改”“长期坚持”等文字")
@xw.arg("status", Cells, ndim=2, doc="整改进度，如“未整改”“整改中”“已完成”“已销号”")
@xw.arg("as_of", Cells, ndim=2, doc="可省略：参照日期，默认为设置中的日期或今天；填 TODAY() 可每天自动更新")
def ZG_OVERDUE(deadline: Any, status: Any, as_of: Any = None) -> Any:
    """判断整改事项是否逾期：返回“逾期N天”“即将到期”或空白（已完成、长期坚持、无需整改不算逾期）。"""
    return logic.overdue(deadline, status, as_of)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("per_capita_income", Cells, ndim=2, doc="家庭人均纯收入（元）")
@xw.arg("transfer_income", Cells, ndim=2, doc="转移性收入（元）")
@xw.arg("total_income", Cells, ndim=2, doc="家庭总收入（元）")
@xw.arg("serious_illness", Cells, ndim=2, doc="家庭成员中是否有大病患者（是/否）")
@xw.arg("no_labour", Cells, ndim=2, doc="家庭成员是否均无劳动力或丧失劳动力（是/否）")
@xw.arg("year", Cells, ndim=2, doc="可省略：收入所属年度，用于查找当年监测线，默认为参照日期所在年份")
def ZG_RISK(
    per_capita_income: Any,
    transfer_income: Any,
    total_income: Any,
    serious_illness: Any,
    no_labour: Any,
    year: Any = None,
) -> Any:
    """判断脱贫户返贫风险：返回高风险/中风险/低风险及原因（监测线、转移性收入占比阈值取自设置）。"""
    return logic.risk(per_capita_income, transfer_income, total_income, serious_illness, no_labour, year)


@xw.func(call_in_wizard=False, category=CATEGORY)
@xw.arg("category", Cells, ndim=2, doc="问题类别（如 住房安全、C11）或问题描述")
@xw.arg("township", Cells, ndim=2, doc="可省略：乡镇")
@xw.arg("village", Cells, ndim=2, doc="可省略：行政村")
@xw.arg("household", Cells, ndim=2, doc="可省略：户主姓名或户编号")
def ZG_OWNER(category: Any, township: Any = None, village: Any = None, household: Any = None) -> Any:
    """按“六个一”责任链和责任体系花名册返回所属“一”和责任人，如“② 张三（沙窝镇）”。"""
    return logic.owner(category, township, village, household)
