"""The ZG_ worksheet functions, through real xlwings code on Linux.

Excel's Office.js path is exercised for real: ``xlwings.server.custom_functions_meta``
must register every function with its Chinese descriptions, and
``xlwings.server.custom_functions_call`` runs each one on request bodies shaped like
the ones xlwings' custom-functions JavaScript posts (``func_name``, ``args`` as one
2-D matrix per argument, ``null`` for an omitted optional argument, dates as serial
numbers because Office.js does not convert date-formatted cells for custom
functions, integers as JSON integers), after a JSON round trip.

xlwings picks its decorators once, when it is imported (``XLWINGS_ON_SERVER``), and
other test modules may import it first in classic mode. So the in-process server
module is built the way the variable works inside xlwings: ``addin/udfs/functions.py``
is executed under a private name while ``xw.func/arg/ret`` are the
``xlwings.server`` ones; nothing global is left changed. Two subprocess tests cover
what cannot be shared with other modules: the real ``XLWINGS_ON_SERVER=true``
import, and the classic (Windows) decorators with the VBA wrappers they generate.
"""

from __future__ import annotations

import os

# The PRO parts (server decorators, Office.js engine) check the licence when xlwings
# is imported. Test environment only: product code never sets it.
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import asyncio
import datetime as dt
import importlib.util
import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import xlwings

from addin.ledger.idcard import check_digit
from addin.risk import line_for_year
from addin.udfs import logic
from tests.helpers.book import write_book
from tests.helpers.roster_books import ALL_SHEETS

ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS_PY = ROOT / "addin" / "udfs" / "functions.py"
AS_OF = dt.date(2024, 7, 17)
SERIAL_AS_OF = 45490  # Excel serial of 2024-07-17
CJK = re.compile(r"[\u4e00-\u9fff]")

SETTINGS = {
    "as_of": AS_OF.isoformat(),
    "params": {"monitoring_line": {"2023": 6000, "2024": 6500}, "due_soon_days": 7},
}


def serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def good_id(i: int) -> str:
    first17 = f"411523{1960 + i % 40}{1 + i % 12:02d}{1 + i % 28:02d}{i % 1000:03d}"
    return first17 + check_digit(first17)


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


def bad_checksum(i: int) -> str:
    valid = good_id(i)
    return valid[:17] + ("1" if valid[17] != "1" else "2")


def excel_number(id_text: str) -> int:
    """An 18-digit ID typed into a General cell: 15 significant digits, sent as a JSON integer.

    An ID ending in X cannot become a number; its digits with a final 0 stand in for it.
    """
    digits = id_text if id_text.isdigit() else id_text[:17] + "0"
    return int(float(f"{float(digits):.15g}"))


# ------------------------------------------------------------------ a problem ledger grid

PROBLEM_HEADER = [
    "序号", "问题类别", "问题描述", "问题来源", "发现时间", "乡镇", "村", "户主", "身份证号", "整改措施", "责任单位",
    "责任领导", "责任人", "联系电话", "整改时限", "整改进度", "整改进展情况", "完成时间", "佐证材料", "备注",
]  # fmt: skip
DEFECTS = {
    "bad_checksum": "身份证号校验位错误",
    "id_as_number": "身份证号被存为数字，末位可能已丢失，请改为文本重新录入",
    "overdue": "整改逾期",
}


def problem_row(i: int, defect: str | None = None) -> list[Any]:
    """Data row i of a 20-column 整改台账, clean unless ``defect`` (a key of DEFECTS) is given.

    Dates are Excel serials (what Office.js sends for date cells), with some typed as text.
    """
    found = serial(dt.date(2024, 1, 1)) + i % 120
    done = i % 3 != 0
    id_no: Any = good_id(i)
    deadline: Any = serial(dt.date(2024, 6, 30)) if done else serial(dt.date(2024, 12, 31))
    if i % 7 == 0:
        deadline = "2024年12月31日前" if not done else "2024年6月底前"
    status = "已完成" if done else "整改中"
    if defect == "bad_checksum":
        id_no = bad_checksum(i)
    elif defect == "id_as_number":
        id_no = excel_number(good_id(i))
    elif defect == "overdue":
        deadline, status, done = serial(dt.date(2024, 6, 1)), "整改中", False
    return [
        i, "精准识别", f"第{i}户档卡信息与实际不符，家庭人口数登记错误", "县督查巡查组", found,
        "沙窝镇", "李店村", f"户主{i}", id_no, "入户核实后更正档卡信息并经村民代表评议",
        "县乡村振兴局", "王局长", f"责任人{i % 50}", "13800138000", deadline, status,
        "已入户核实并更正" if done else "正在核实", serial(dt.date(2024, 5, 20)) if done else None,
        "入户照片、更正记录" if done else None, None,
    ]  # fmt: skip


def problem_grid(rows: int, defects: dict[int, str]) -> list[list[Any]]:
    """Header plus ``rows`` data rows; ``defects`` maps a 1-based data row number to a DEFECTS key."""
    return [PROBLEM_HEADER, *(problem_row(i, defects.get(i)) for i in range(1, rows + 1))]


# ------------------------------------------------------------------ fixtures and helpers


@pytest.fixture(autouse=True)
def user_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A zhenggai.json in a private user config folder, so no developer's own settings leak in."""
    folder = tmp_path / "config"
    (folder / "zhenggai").mkdir(parents=True)
    path = folder / "zhenggai" / "zhenggai.json"
    path.write_text(json.dumps(SETTINGS, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    monkeypatch.setenv("APPDATA", str(folder))
    return path


def _ensure_officejs_engine() -> None:
    """Register the Office.js engine if xlwings was imported (elsewhere) before the licence key was set."""
    if "officejs" not in [e.name for e in xlwings.engines]:
        from xlwings.pro import _xlofficejs

        xlwings.engines.add(xlwings.Engine(impl=_xlofficejs.engine))


@pytest.fixture(scope="module")
def server() -> ModuleType:
    """addin/udfs/functions.py as XLWINGS_ON_SERVER=true decorates it, independent of import order."""
    import xlwings.server

    _ensure_officejs_engine()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlwings, "func", xlwings.server.func)
        mp.setattr(xlwings, "arg", xlwings.server.arg)
        mp.setattr(xlwings, "ret", xlwings.server.ret)
        spec = importlib.util.spec_from_file_location("addin.udfs._functions_server_test", FUNCTIONS_PY)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def body(func_name: str, *args: Any) -> dict[str, Any]:
    """A request body as xlwings' custom-functions JavaScript posts it, after the JSON round trip."""
    data = {
        "func_name": func_name,
        "args": list(args),
        "caller_address": "Office.js[台账.xlsx]问题台账!V2",
        "content_language": "zh-CN",
        "version": xlwings.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d",
    }
    return json.loads(json.dumps(data, ensure_ascii=False))


def call(server: ModuleType, func_name: str, *args: Any) -> Any:
    """Run one custom-function call; a single cell comes back as its value, a range as rows."""
    import xlwings.server

    result = asyncio.run(xlwings.server.custom_functions_call(body(func_name, *args), server))
    return result[0][0] if len(result) == 1 and len(result[0]) == 1 else result


def cell(value: Any) -> list[list[Any]]:
    return [[value]]


def column(*values: Any) -> list[list[Any]]:
    return [[v] for v in values]


# ------------------------------------------------------------------ registration

DESCRIPTIONS = {
    "ZG_CHECK": "检查台账中的一行：返回该行的全部问题（用“；”分隔），没有问题时返回空白。",
    "ZG_CHECKS": "一次检查整张表（含表头）：逐行返回问题说明，首行说明整张表的问题；结果自动向下溢出。",
    "ZG_IDCARD": "检查身份证号：有效时返回空白，无效时返回原因（如校验位错误、被存为数字）。",
    "ZG_AGE": "按身份证号中的出生日期计算周岁年龄；身份证号无法使用时返回原因。",
    "ZG_OVERDUE": "判断整改事项是否逾期：返回“逾期N天”“即将到期”或空白（已完成、长期坚持、无需整改不算逾期）。",
    "ZG_RISK": "判断脱贫户返贫风险：返回高风险/中风险/低风险及原因（监测线、转移性收入占比阈值取自设置）。",
    "ZG_OWNER": "按“六个一”责任链和责任体系花名册返回所属“一”和责任人，如“② 张三（沙窝镇）”。",
}
PARAMETERS = {
    "ZG_CHECK": [
        ("row_range", "要检查的一行数据，列与表头一一对应", False),
        ("header_range", "该表的表头行（可含1～3行分组表头）", False),
    ],
    "ZG_CHECKS": [("table_range", "整张表格区域，包括表头行（可含表头上方的标题行）", False)],
    "ZG_IDCARD": [("id_number", "身份证号（单元格或一列区域；建议单元格设为文本格式）", False)],
    "ZG_AGE": [
        ("id_number", "身份证号（单元格或一列区域）", False),
        ("as_of", "可省略：计算年龄的参照日期，默认为设置中的日期或今天；填 TODAY() 可每天自动更新", True),
    ],
    "ZG_OVERDUE": [
        ("deadline", "整改时限：日期，或“6月底前”“2024年三季度”“立行立改”“长期坚持”等文字", False),
        ("status", "整改进度，如“未整改”“整改中”“已完成”“已销号”", False),
        ("as_of", "可省略：参照日期，默认为设置中的日期或今天；填 TODAY() 可每天自动更新", True),
    ],
    "ZG_RISK": [
        ("per_capita_income", "家庭人均纯收入（元）", False),
        ("transfer_income", "转移性收入（元）", False),
        ("total_income", "家庭总收入（元）", False),
        ("serious_illness", "家庭成员中是否有大病患者（是/否）", False),
        ("no_labour", "家庭成员是否均无劳动力或丧失劳动力（是/否）", False),
        ("year", "可省略：收入所属年度，用于查找当年监测线，默认为参照日期所在年份", True),
    ],
    "ZG_OWNER": [
        ("category", "问题类别（如 住房安全、C11）或问题描述", False),
        ("township", "可省略：乡镇", True),
        ("village", "可省略：行政村", True),
        ("household", "可省略：户主姓名或户编号", True),
    ],
}


def test_meta_registers_every_function_with_chinese_descriptions(server: ModuleType) -> None:
    import xlwings.server

    meta = xlwings.server.custom_functions_meta(server)
    functions = {f["id"]: f for f in meta["functions"]}
    assert set(functions) == set(DESCRIPTIONS) == set(server.FUNCTION_NAMES)
    for name, f in functions.items():
        assert f["name"] == name
        assert f["description"] == DESCRIPTIONS[name]
        assert "volatile" not in f["options"] and "stream" not in f["options"]
        params = [(p["name"], p["description"], p.get("optional", False)) for p in f["parameters"]]
        assert params == PARAMETERS[name], name
        assert all(CJK.search(p["description"]) for p in f["parameters"])


def test_server_env_at_import_registers_the_module_itself(tmp_path: Path, user_settings: Path) -> None:
    """The real switch: XLWINGS_ON_SERVER=true before xlwings is imported, in a fresh interpreter."""
    code = textwrap.dedent(
        """
        import asyncio, json, xlwings, xlwings.server
        from addin.udfs import functions
        meta = xlwings.server.custom_functions_meta(functions)
        data = {"func_name": "ZG_IDCARD", "args": [[["41152319900101123X"]]], "version": xlwings.__version__,
                "client": "Office.js", "runtime": "1.4"}
        result = asyncio.run(xlwings.server.custom_functions_call(data, functions))
        print(json.dumps({"on_server": xlwings.on_server, "ids": [f["id"] for f in meta["functions"]],
                          "result": result}, ensure_ascii=False))
        """
    )
    env = {**os.environ, "XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["on_server"] is True
    assert sorted(out["ids"]) == sorted(DESCRIPTIONS)
    assert out["result"] == [["身份证号校验位错误"]]


def test_classic_decorators_record_descriptions_and_no_wizard_no_volatile() -> None:
    """Windows' classic decorators (xlwings.udfs) read the same texts; the VBA wrappers skip the wizard."""
    code = textwrap.dedent(
        """
        import io, json, sys, types
        for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
            sys.modules[name] = types.ModuleType(name)
        sys.modules["pythoncom"].CoInitialize = lambda: None
        sys.modules["pywintypes"].com_error = type("com_error", (Exception,), {})
        sys.modules["win32com.client"].Dispatch = lambda *a, **k: None
        import xlwings, xlwings.udfs as udfs
        xlwings.func, xlwings.arg, xlwings.ret = udfs.xlfunc, udfs.xlarg, udfs.xlret
        from addin.udfs import functions
        out = {}
        for name in functions.FUNCTION_NAMES:
            info = getattr(functions, name).__xlfunc__
            out[name] = {"doc": info["ret"]["doc"], "wizard": info["call_in_wizard"], "volatile": info["volatile"],
                         "category": info["category"], "expand": info["ret"]["options"].get("expand"),
                         "args": [[a["name"], a["doc"], "optional" in a, a["options"].get("ndim"),
                                   a["options"]["convert"].__name__] for a in info["args"]]}
        book = types.SimpleNamespace(Name="zhenggai.xlam")
        vba = io.StringIO()
        udfs.generate_vba_wrapper("addin.udfs.functions", functions, vba, book)
        print(json.dumps({"meta": out, "vba": vba.getvalue()}, ensure_ascii=False))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for name, info in out["meta"].items():
        assert info["doc"] == DESCRIPTIONS[name] and len(info["doc"]) <= 255
        assert info["wizard"] is False and info["volatile"] is False and info["expand"] is None
        assert info["category"] == "整改台账助手"
        assert [tuple(a[:3]) for a in info["args"]] == PARAMETERS[name]
        assert {(a[3], a[4]) for a in info["args"]} == {(2, "Cells")}
    vba = out["vba"]
    assert vba.count('If (Not Application.CommandBars("Standard").Controls(1).Enabled) Then Exit Function') == 7
    assert "Application.Volatile" not in vba
    assert "Function ZG_AGE(id_number, Optional as_of)" in vba
    assert 'ZG_CHECKS = XLPy.CallUDF("addin.udfs.functions", "ZG_CHECKS", Array(table_range), ActiveWorkbook' in vba


def test_plain_python_calls_on_the_classic_path() -> None:
    """Outside Windows and without XLWINGS_ON_SERVER the decorators leave plain functions."""
    from addin.udfs import functions

    assert functions.ZG_IDCARD("41152319900101123X") == "身份证号校验位错误"
    assert functions.ZG_AGE("411523199001011239", dt.datetime(2024, 1, 1)) == 34
    assert functions.ZG_OVERDUE(dt.datetime(2024, 7, 1), "整改中") == "逾期16天"
    assert functions.ZG_RISK(6000, 0, 10000, "否", "否") == "高风险：人均纯收入低于监测线"
    assert functions.ZG_OWNER("饮水安全").startswith("⑤ ")
    assert functions.ZG_CHECK(problem_row(1, "overdue"), PROBLEM_HEADER) == "整改逾期46天"
    assert functions.ZG_CHECKS(problem_grid(2, {2: "bad_checksum"})) == [[""], [""], ["身份证号校验位错误"]]


# ------------------------------------------------------------------ ZG_IDCARD / ZG_AGE


def test_idcard_text_numbers_and_empty_cells(server: ModuleType) -> None:
    valid = good_id(7)
    assert call(server, "ZG_IDCARD", cell(valid)) == ""
    assert call(server, "ZG_IDCARD", cell(" " + valid.lower() + " ")) == ""
    assert call(server, "ZG_IDCARD", cell(bad_checksum(7))) == "身份证号校验位错误"
    as_number = DEFECTS["id_as_number"]
    assert call(server, "ZG_IDCARD", cell(excel_number(valid))) == as_number
    assert call(server, "ZG_IDCARD", cell("4.11523196008E+17")) == as_number
    assert call(server, "ZG_IDCARD", cell("")) == "身份证号为空"
    assert call(server, "ZG_IDCARD", [[None]]) == "身份证号为空"
    assert call(server, "ZG_IDCARD", cell("41152319900101")) == "证件号码长度异常（14位）"
    assert (
        call(server, "ZG_IDCARD", cell("411523900101123"))
        == "15位旧身份证号，建议升级为18位（自动换算：411523199001011239）"
    )
    assert (
        call(server, "ZG_IDCARD", cell(with_check("99152319900101123")))
        == "身份证号地址码无效（前两位“99”不是省级代码）"
    )


def test_idcard_over_a_column_returns_one_reason_per_cell(server: ModuleType) -> None:
    result = call(server, "ZG_IDCARD", column(good_id(1), "", bad_checksum(2), excel_number(good_id(3))))
    assert result == [[""], ["身份证号为空"], ["身份证号校验位错误"], [DEFECTS["id_as_number"]]]


def test_idcard_follows_a_rule_switched_off_in_the_settings(server: ModuleType, user_settings: Path) -> None:
    user_settings.write_text(json.dumps({**SETTINGS, "rules": {"ID-OLD-15": {"enabled": False}}}), encoding="utf-8")
    assert call(server, "ZG_IDCARD", cell("411523900101123")) == ""


def test_age_with_every_form_of_reference_date(server: ModuleType) -> None:
    person = with_check("41152319900718123")  # born 1990-07-18: one day short of 34 on the settings' 2024-07-17
    assert call(server, "ZG_AGE", cell(person), None) == 33
    assert call(server, "ZG_AGE", cell(person), cell(SERIAL_AS_OF + 1)) == 34
    assert call(server, "ZG_AGE", cell(person), cell("2020年7月18日")) == 30
    assert call(server, "ZG_AGE", cell(person), cell("2020.7.17")) == 29
    assert call(server, "ZG_AGE", cell(person), cell("2024-07-18T00:00:00.000Z")) == 34
    assert call(server, "ZG_AGE", cell(person), cell("")) == 33  # empty as_of cell = default
    assert call(server, "ZG_AGE", cell(person), cell("下个月")) == "参照日期应为日期"
    assert call(server, "ZG_AGE", cell(person), cell("1980-01-01")) == "身份证号中的出生日期晚于参照日期"


def test_age_of_unusable_ids(server: ModuleType) -> None:
    assert call(server, "ZG_AGE", cell(""), None) == ""
    assert call(server, "ZG_AGE", cell(excel_number(good_id(3))), None) == DEFECTS["id_as_number"]
    assert call(server, "ZG_AGE", cell(with_check("41152319901301123")), None) == "身份证号中的出生日期无效"
    assert call(server, "ZG_AGE", cell(bad_checksum(40)), None) == 64  # the birth digits still hold
    ages = call(server, "ZG_AGE", column(good_id(40), None, "abc"), cell(serial(dt.date(2020, 1, 1))))
    assert ages == [[59], [""], ["证件号码长度异常（3位）"]]  # good_id(40): born 1960-05-13


def test_office_js_error_and_formatted_values(server: ModuleType) -> None:
    """Cells Office.js sends as objects: an error value counts as empty, a formatted number as its number."""
    na = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    day = {"type": "FormattedNumber", "basicValue": SERIAL_AS_OF + 1, "numberFormat": "yyyy/m/d"}
    person = with_check("41152319900718123")
    assert call(server, "ZG_IDCARD", [[na]]) == "身份证号为空"
    assert call(server, "ZG_AGE", cell(person), [[day]]) == 34
    assert call(server, "ZG_AGE", column(person, na), [[day]]) == [[34], [""]]
    grid = problem_grid(2, {})
    grid[2][13] = na  # phone #N/A: an empty optional cell
    assert call(server, "ZG_CHECKS", grid) == [[""], [""], [""]]


# ------------------------------------------------------------------ ZG_OVERDUE


@pytest.mark.parametrize(
    ("deadline", "status", "expected"),
    [
        (serial(dt.date(2024, 7, 1)), "整改中", "逾期16天"),
        (serial(dt.date(2024, 7, 1)), "", "逾期16天"),
        (serial(dt.date(2024, 7, 1)), "已逾期", "逾期16天"),
        ("6月底前", "未整改", "逾期17天"),
        ("2024年7月20日", "整改中", "即将到期"),
        ("2024.7.24", "整改中", "即将到期"),
        ("2024.7.25", "整改中", ""),
        (SERIAL_AS_OF, "整改中", "即将到期"),
        (serial(dt.date(2024, 7, 1)), "已完成", ""),
        (serial(dt.date(2024, 7, 1)), "已销号", ""),
        (serial(dt.date(2024, 7, 1)), "长期坚持", ""),
        (serial(dt.date(2024, 7, 1)), "无需整改", ""),
        (serial(dt.date(2024, 7, 1)), 1.0, ""),  # a 100% cell
        (serial(dt.date(2024, 7, 1)), 0.6, "逾期16天"),  # 60%
        ("长期坚持", "整改中", ""),
        ("立行立改", "整改中", ""),
        ("", "整改中", ""),
        ("等上级通知", "整改中", "整改时限无法识别：“等上级通知”"),
    ],
)
def test_overdue(server: ModuleType, deadline: Any, status: Any, expected: str) -> None:
    assert call(server, "ZG_OVERDUE", cell(deadline), cell(status), None) == expected


def test_overdue_reference_date_and_settings(server: ModuleType, user_settings: Path) -> None:
    deadline = cell(serial(dt.date(2024, 7, 1)))
    assert call(server, "ZG_OVERDUE", deadline, cell("整改中"), cell("2024年6月25日")) == "即将到期"
    assert call(server, "ZG_OVERDUE", deadline, cell("整改中"), cell(serial(dt.date(2024, 8, 1)))) == "逾期31天"
    assert call(server, "ZG_OVERDUE", deadline, cell("整改中"), cell("明天")) == "参照日期应为日期"
    user_settings.write_text(json.dumps({**SETTINGS, "params": {"due_soon_days": 2}}), encoding="utf-8")
    assert call(server, "ZG_OVERDUE", cell("2024-07-19"), cell("整改中"), None) == "即将到期"
    assert call(server, "ZG_OVERDUE", cell("2024-07-20"), cell("整改中"), None) == ""
    grace = {**SETTINGS, "rules": {"PR-OVERDUE": {"params": {"grace_days": 20}}}}  # due 20 days after the deadline
    user_settings.write_text(json.dumps(grace), encoding="utf-8")
    assert call(server, "ZG_OVERDUE", deadline, cell("整改中"), None) == "即将到期"
    assert call(server, "ZG_OVERDUE", cell("2024-07-10"), cell("整改中"), None) == ""
    assert call(server, "ZG_OVERDUE", cell("2024-06-20"), cell("整改中"), None) == "逾期27天"


def test_overdue_over_columns_broadcasts_single_cells(server: ModuleType) -> None:
    deadlines = column(serial(dt.date(2024, 7, 1)), "2024年7月20日", None)
    assert call(server, "ZG_OVERDUE", deadlines, cell("整改中"), None) == [["逾期16天"], ["即将到期"], [""]]
    statuses = column("整改中", "已完成", "整改中")
    assert call(server, "ZG_OVERDUE", deadlines, statuses, None) == [["逾期16天"], [""], [""]]
    assert (
        call(server, "ZG_OVERDUE", deadlines, column("整改中", "已完成"), None)
        == "各参数的区域大小应一致（或为单个单元格）"
    )


# ------------------------------------------------------------------ ZG_RISK / ZG_OWNER


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((6000, 0, 10000, "否", "否"), "高风险：人均纯收入低于监测线"),
        ((6500, 0, 10000, "否", "否"), "低风险"),
        ((9000, 6200, 10000, "否", "否"), "中风险：转移性收入占比62%"),
        ((9000, 5000, 10000, "否", "否"), "中风险：转移性收入占比50%"),
        ((9000, 100, 10000, "√", "×"), "中风险：家庭成员有大病患者"),
        ((9000, 100, 10000, "是", "是"), "高风险：家庭成员有大病患者；家庭成员均无劳动力"),
        ((9000, "6,200元", "1万", True, False), "高风险：转移性收入占比62%；家庭成员有大病患者"),
        ((None, 100, 10000, "否", "否"), "低风险（未判断：人均纯收入未填写）"),
        ((9000, None, None, "有", None), "中风险：家庭成员有大病患者（未判断：转移性收入或家庭总收入未填写）"),
        ((None, None, None, None, None), ""),
        (("不详", 0, 1, "否", "否"), "人均纯收入应为数字"),
        ((9000, 0, 1, "说不清", "否"), "是否有大病患者应填“是”或“否”"),
    ],
)
def test_risk(server: ModuleType, args: tuple[Any, ...], expected: str) -> None:
    assert call(server, "ZG_RISK", *(cell(a) for a in args), None) == expected


def test_risk_year_and_thresholds_from_settings(server: ModuleType, user_settings: Path) -> None:
    household = [cell(6200), cell(5500), cell(10000), cell("否"), cell("否")]
    assert call(server, "ZG_RISK", *household, None) == "高风险：人均纯收入低于监测线；转移性收入占比55%"
    assert call(server, "ZG_RISK", *household, cell(2023)) == "中风险：转移性收入占比55%"
    assert (
        call(server, "ZG_RISK", *household, cell("2022年")) == "中风险：转移性收入占比55%（未判断：未设置2022年监测线）"
    )
    assert call(server, "ZG_RISK", *household, cell("去年")) == "年度应为年份，如2024"
    settings = {**SETTINGS, "params": {"monitoring_line": 6000, "transfer_share_threshold": 60}}
    user_settings.write_text(json.dumps(settings), encoding="utf-8")
    assert call(server, "ZG_RISK", *household, None) == "低风险"


def test_risk_thresholds_default_to_the_rule_catalogue(server: ModuleType, user_settings: Path) -> None:
    """Without county values ZG_RISK uses RISK-01/RISK-02's own parameters: one source of truth with the checker."""
    user_settings.write_text(json.dumps({"as_of": AS_OF.isoformat()}), encoding="utf-8")
    settings = logic.settings_in_force()
    low_income = logic.rule_in_force("RISK-01", settings)
    transfer = logic.rule_in_force("RISK-02", settings)
    assert low_income is not None and transfer is not None
    line = line_for_year(low_income.params["monitoring_line"], AS_OF.year)
    share = transfer.params["transfer_share_threshold"]
    assert line is not None and 0 < share < 1
    just_below = [cell(line - 1), cell(round(share * 10000) - 1), cell(10000), cell("否"), cell("否")]
    assert call(server, "ZG_RISK", *just_below, None) == "高风险：人均纯收入低于监测线"
    on_both = [cell(line), cell(round(share * 10000)), cell(10000), cell("否"), cell("否")]
    assert call(server, "ZG_RISK", *on_both, None) == f"中风险：转移性收入占比{share * 100:.0f}%"


def test_owner_without_a_roster_names_the_yi_and_says_the_roster_is_missing(server: ModuleType) -> None:
    text = call(server, "ZG_OWNER", cell("饮水安全"), cell("沙窝镇"), cell("沙坪村"), None)
    assert text.startswith("⑤ ") and text.endswith("（未配置责任体系花名册）")
    assert call(server, "ZG_OWNER", cell(None), cell("沙窝镇"), None, None) == ""


@pytest.fixture
def with_roster(tmp_path: Path, user_settings: Path) -> Path:
    """The messy roster of tests/helpers/roster_books.py named in the user's settings."""
    roster = write_book(tmp_path / "责任体系花名册.xlsx", ALL_SHEETS)
    settings = json.loads(user_settings.read_text(encoding="utf-8"))
    user_settings.write_text(json.dumps({**settings, "roster": str(roster)}, ensure_ascii=False), encoding="utf-8")
    return roster


def test_owner_names_the_people_of_the_roster_for_each_yi(server: ModuleType, with_roster: Path) -> None:
    # ① a targeting problem of a village: its 村级脱贫责任组长 (包村干部 in this roster)
    first = call(server, "ZG_OWNER", cell("精准识别"), cell("沙窝镇"), cell("沙坪村"), None)
    assert first.startswith("① 刘建国")
    # ② a household record problem: the household's 帮扶责任人
    second = call(server, "ZG_OWNER", cell("档卡信息"), cell("沙窝镇"), cell("王湾村"), cell("李桂英"))
    assert second.startswith("② 邓华")
    # ⑤ housing safety belongs to the department whose 对口问题类别 is 住房安全: its head
    fifth = call(server, "ZG_OWNER", cell("住房安全"), cell("沙窝镇"), cell("沙坪村"), None)
    assert fifth.startswith("⑤ 夏光明") and "住建局" in fifth
    # a description instead of a category: keywords decide (危房 → 住房安全 → ⑤)
    assert call(server, "ZG_OWNER", cell("疑似危房未鉴定"), cell("沙窝镇"), cell("沙坪村"), None) == fifth


def test_owner_over_a_column_returns_a_column(server: ModuleType, with_roster: Path) -> None:
    column = [["精准识别"], ["住房安全"], [None]]
    result = call(server, "ZG_OWNER", column, cell("沙窝镇"), cell("沙坪村"), None)
    assert [r[0][:1] for r in result] == ["①", "⑤", ""]


def test_owner_reports_a_village_the_roster_does_not_list(server: ModuleType, with_roster: Path) -> None:
    text = call(server, "ZG_OWNER", cell("精准识别"), cell("沙窝镇"), cell("不存在村"), None)
    assert text.startswith("① ") and "不存在村" in text and "未能分配" in text


# ------------------------------------------------------------------ ZG_CHECK / ZG_CHECKS


def test_check_one_row(server: ModuleType) -> None:
    header = [PROBLEM_HEADER]
    assert call(server, "ZG_CHECK", [problem_row(5)], header) == ""
    assert call(server, "ZG_CHECK", [problem_row(5, "overdue")], header) == "整改逾期46天"
    two = problem_row(9, "bad_checksum")
    two[13] = "123"  # phone
    assert call(server, "ZG_CHECK", [two], header) == "身份证号校验位错误；联系电话格式异常：“123”"
    assert call(server, "ZG_CHECK", [[None] * 20], header) == ""


def test_check_one_row_leaves_table_level_findings_out(server: ModuleType) -> None:
    header = [PROBLEM_HEADER[:3] + PROBLEM_HEADER[14:16]]  # 序号 问题类别 问题描述 整改时限 整改进度
    row = [[1, "精准识别", "档卡信息不符", serial(dt.date(2024, 7, 1)), "整改中"]]
    assert call(server, "ZG_CHECK", row, header) == "整改逾期16天"


def test_check_one_row_marks_a_hint_as_such(server: ModuleType) -> None:
    header = [["户编号", "户主姓名", "家庭人口数", "贫困户属性", "脱贫状态"]]
    big = [["4115231032010035", "袁大庆", 8, "一般脱贫户", "已脱贫"]]
    assert call(server, "ZG_CHECK", big, header) == "提示：一户8人（不少于7人），请核实是否应分户"
    assert call(server, "ZG_CHECK", [["4115231032010035", "袁大庆", 4, "一般脱贫户", "已脱贫"]], header) == ""


def test_check_one_row_bad_arguments(server: ModuleType) -> None:
    header = [PROBLEM_HEADER]
    assert call(server, "ZG_CHECK", [problem_row(1)[:5]], header) == "数据行有5列，表头有20列，应一致"
    assert call(server, "ZG_CHECK", [problem_row(1), problem_row(2)], header) == "第一个参数应为一行数据"
    reason = call(server, "ZG_CHECK", [["张三", "男"]], [["姓名", "性别"]])
    assert reason.startswith("表头不属于任何已知台账类型")


def test_checks_small_table_reports_the_table_on_its_first_row(server: ModuleType) -> None:
    grid = [
        ["沙窝镇问题整改台账", *[None] * 4],
        ["序号", "问题类别", "问题描述", "整改时限", "整改进度"],
        [1, "精准识别", "档卡信息不符", serial(dt.date(2024, 7, 1)), "整改中"],
        [None] * 5,
        [2, "精准识别", "住房面积登记错误", "2024年12月底前", "整改中"],
    ]
    result = call(server, "ZG_CHECKS", grid)
    assert len(result) == 5 and all(len(r) == 1 for r in result)
    first = result[0][0].split("；")
    assert first == [f"缺少必填列：{c}" for c in ("问题来源", "整改措施", "责任单位", "责任领导", "责任人")]
    assert [r[0] for r in result[1:]] == ["", "整改逾期16天", "", ""]


def test_checks_not_a_ledger_says_why_on_the_first_row(server: ModuleType) -> None:
    result = call(server, "ZG_CHECKS", [["甲", "乙"], [1, 2], [3, 4]])
    assert result[0][0] == "未找到表头（前40行中没有可识别的列名），不是台账"
    assert result[1:] == [[""], [""]]
    assert call(server, "ZG_CHECKS", cell(None)) == "空工作表"


def test_checks_ten_thousand_rows_flags_exactly_the_bad_rows(server: ModuleType) -> None:
    defects = {17: "bad_checksum", 4242: "bad_checksum", 9999: "bad_checksum", 100: "id_as_number",
               5000: "id_as_number", 250: "overdue", 7777: "overdue", 10000: "overdue"}  # fmt: skip
    grid = problem_grid(10_000, defects)
    assert any(isinstance(v, str) and "年" in v for v in (row[14] for row in grid[1:]))  # text deadlines too
    result = call(server, "ZG_CHECKS", grid)
    assert len(result) == 10_001
    flagged = {i: r[0] for i, r in enumerate(result) if r[0]}
    assert set(flagged) == set(defects)
    for row, defect in defects.items():
        assert flagged[row].startswith(DEFECTS[defect]), (row, flagged[row])


# ------------------------------------------------------------------ never raise into Excel


@pytest.mark.parametrize(
    "value",
    [True, -1, 1e300, float("nan"), "   ", "#N/A", "😀", [[None, None]], [[]], [[1, "a"], [None, True]]],
)
def test_odd_values_give_text_not_exceptions(value: Any) -> None:
    from addin.udfs import functions

    for result in (
        functions.ZG_IDCARD(value),
        functions.ZG_AGE(value, value),
        functions.ZG_OVERDUE(value, value, value),
        functions.ZG_RISK(value, value, value, value, value, value),
        functions.ZG_OWNER(value),
        functions.ZG_CHECK(value, value),
        functions.ZG_CHECKS(value),
    ):
        for v in _cells(result):
            assert isinstance(v, str | int) and not isinstance(v, bool), (value, result)


def test_argument_shapes() -> None:
    assert logic.as_grid(None) == [[None]]
    assert logic.as_grid("x") == [["x"]]
    assert logic.as_grid(["a", "b"]) == [["a", "b"]]  # a flat sequence is one row
    assert logic.as_grid([[1], [2, 3]]) == [[1, None], [2, 3]]
    assert logic.as_grid([[]]) == logic.as_grid([]) == [[None]]
    assert logic.elementwise(lambda a, b: f"{a}{b}", [["x", "y"]], "!") == [["x!", "y!"]]
    assert logic.elementwise(lambda a, b: f"{a}{b}", [["x"]], "!") == "x!"


def _cells(result: Any) -> Iterator[Any]:
    if isinstance(result, list):
        for row in result:
            yield from row
    else:
        yield result


def test_an_unexpected_failure_becomes_cell_text(server: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(logic, "check_grid", boom)
    expected = "计算出错（RuntimeError：boom），请把此信息告诉管理员"
    assert call(server, "ZG_CHECKS", problem_grid(2, {})) == expected
    assert call(server, "ZG_CHECK", [problem_row(1)], [PROBLEM_HEADER]) == expected


def test_a_broken_settings_file_is_named_in_the_cell(server: ModuleType, user_settings: Path) -> None:
    user_settings.write_text('{"as_of": "2024-13-01"}', encoding="utf-8")
    for name, args in [
        ("ZG_IDCARD", (cell(good_id(1)),)),
        ("ZG_AGE", (cell(good_id(1)), None)),
        ("ZG_OVERDUE", (cell("2024-07-01"), cell("整改中"), None)),
        ("ZG_RISK", (cell(1), cell(1), cell(1), cell("否"), cell("否"), None)),
        ("ZG_CHECK", ([problem_row(1)], [PROBLEM_HEADER])),
        ("ZG_CHECKS", (problem_grid(1, {}),)),
    ]:
        text = call(server, name, *args)
        assert isinstance(text, str) and "zhenggai.json" in text and "as_of" in text, (name, text)
