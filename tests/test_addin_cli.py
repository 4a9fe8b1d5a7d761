"""``zhenggai addin build|install|uninstall``.

Install and uninstall are exercised on Linux twice: as they really behave here
(exit 2, Chinese explanation, nothing written) and on a simulated Windows
(``sys.platform`` and the environment patched to point into tmp_path). The user
config file is read back with xlwings' own reader of that format.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
import xlwings.utils

from addin import cli_addin
from addin.cli import _Parser
from addin.excel import install as installer
from addin.excel import xlam
from tests.helpers.vba import STANDIN, write_standin

WINDOWS_HINT = "只能安装到 Windows 版 Microsoft Excel"
REAL_EXECUTABLE = sys.executable


def run(argv: list[str]) -> int:
    parser = _Parser(prog="zhenggai")
    cli_addin.register(parser.add_subparsers(dest="command", parser_class=_Parser))
    return cli_addin.run(parser.parse_args(argv))


@pytest.fixture(scope="module")
def standin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_standin(tmp_path_factory.mktemp("udfs"))


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory: pytest.TempPathFactory, standin_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("prebuilt") / "zhenggai.xlam"
    return xlam.build_xlam(out, udf_module=STANDIN, extra_sys_path=(standin_dir,))


@pytest.fixture
def windows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A simulated Windows user: APPDATA, USERPROFILE, LOCALAPPDATA and a Python with pythonw.exe."""
    home = tmp_path / "Users" / "zhangsan"
    appdata = home / "AppData" / "Roaming"
    python = home / "AppData" / "Local" / "Zhenggai" / "python"
    python.mkdir(parents=True)
    (python / "python.exe").write_bytes(b"")
    (python / "pythonw.exe").write_bytes(b"")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "executable", str(python / "python.exe"))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("APPDATA", str(appdata))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    return {
        "addin": appdata / "Microsoft" / "Excel" / "XLSTART" / "zhenggai.xlam",
        "conf": home / ".zhenggai" / "zhenggai.conf",
        "pythonw": python / "pythonw.exe",
        "home": home,
    }


def read_conf_like_xlwings(conf: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr(xlwings, "USER_CONFIG_FILE", str(conf))
    return xlwings.utils.read_user_config()


# --- real platform (Linux) ------------------------------------------------------


@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_install_and_uninstall_refuse_outside_windows(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    monkeypatch.setenv("APPDATA", str(tmp_path))
    assert run(["addin", command]) == 2
    err = capsys.readouterr().err
    assert WINDOWS_HINT in err and "没有做任何更改" in err
    assert list(tmp_path.iterdir()) == []


def test_cli_main_knows_the_addin_command(capsys: pytest.CaptureFixture[str]) -> None:
    from addin.cli import main

    if sys.platform == "win32":  # pragma: no cover - the suite runs on Linux
        pytest.skip("this checks the non-Windows answer")
    try:
        code = main(["addin", "install"])
    except SystemExit:
        pytest.fail(
            "addin/cli.py does not know the addin command: wire cli_addin.register(sub) and cli_addin.run(args)"
        )
    assert code == 2
    assert WINDOWS_HINT in capsys.readouterr().err


def test_addin_without_subcommand_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["addin"]) == 2
    assert "build" in capsys.readouterr().err


def test_build_command_writes_the_addin(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dist" / "z.xlam"
    assert run(["addin", "build", "-o", str(out), "--interpreter", r"D:\Py\pythonw.exe"]) == 0
    assert str(out) in capsys.readouterr().out
    assert xlam.read_addin_config(out) == {
        "Interpreter_Win": r"D:\Py\pythonw.exe",
        "ADD_WORKBOOK_TO_PYTHONPATH": False,
        "UDF Modules": "addin.udfs.functions",
    }


def test_build_defaults() -> None:
    parser = _Parser(prog="zhenggai")
    cli_addin.register(parser.add_subparsers(dest="command", parser_class=_Parser))
    args = parser.parse_args(["addin", "build"])
    assert args.output == Path("dist") / "zhenggai.xlam"
    assert args.interpreter is None
    assert isinstance(args.addin_parser, argparse.ArgumentParser)


# --- simulated Windows ------------------------------------------------------------


def test_install_copies_to_xlstart_and_writes_the_conf(
    windows: dict[str, Path], prebuilt: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["addin", "install", "--xlam", str(prebuilt)]) == 0
    out = capsys.readouterr().out
    assert windows["addin"].read_bytes() == prebuilt.read_bytes()
    assert windows["conf"].read_bytes() == f'"INTERPRETER_WIN","{windows["pythonw"]}"\r\n'.encode()
    assert read_conf_like_xlwings(windows["conf"], monkeypatch) == {"interpreter_win": str(windows["pythonw"])}
    assert str(windows["addin"]) in out and "整改助手" in out
    # The prebuilt add-in pins %LOCALAPPDATA%\Zhenggai\python\pythonw.exe: this Python.
    assert "注意" not in out and "警告" not in out


def test_install_warns_when_the_pinned_python_is_elsewhere(
    windows: dict[str, Path], prebuilt: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LOCALAPPDATA", str(windows["home"] / "elsewhere"))
    assert run(["addin", "install", "--xlam", str(prebuilt)]) == 0
    out = capsys.readouterr().out
    assert "该加载项内置的 Python 路径是 %LOCALAPPDATA%" in out
    assert "不存在" in out
    assert windows["addin"].is_file()


def test_install_without_xlam_builds_one_pinned_to_this_python(
    windows: dict[str, Path], standin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_build = xlam.build_xlam

    def build(out: Path, **kwargs: object) -> Path:
        with monkeypatch.context() as m:  # the wrapper generator must run a real Python
            m.setattr(sys, "executable", REAL_EXECUTABLE)
            return real_build(out, udf_module=STANDIN, extra_sys_path=(standin_dir,), **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(xlam, "build_xlam", build)
    assert run(["addin", "install"]) == 0
    assert xlam.read_addin_config(windows["addin"])["Interpreter_Win"] == str(windows["pythonw"])
    assert windows["conf"].is_file()
    assert sorted(p.name for p in windows["addin"].parent.iterdir()) == ["zhenggai.xlam"]


def test_install_keeps_other_keys_of_an_existing_conf(
    windows: dict[str, Path], prebuilt: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    windows["conf"].parent.mkdir(parents=True)
    windows["conf"].write_bytes(b'"INTERPRETER_WIN","C:\\old\\pythonw.exe"\r\n"SHOW CONSOLE","False"\r\n')
    assert run(["addin", "install", "--xlam", str(prebuilt)]) == 0
    assert read_conf_like_xlwings(windows["conf"], monkeypatch) == {
        "show console": "False",
        "interpreter_win": str(windows["pythonw"]),
    }


def test_uninstall_removes_both_and_only_ours(
    windows: dict[str, Path], prebuilt: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["addin", "install", "--xlam", str(prebuilt)]) == 0
    other = windows["addin"].parent / "PERSONAL.XLSB"
    other.write_bytes(b"user's own")
    assert run(["addin", "uninstall"]) == 0
    assert not windows["addin"].exists() and not windows["conf"].exists()
    assert not windows["conf"].parent.exists()
    assert other.read_bytes() == b"user's own"
    capsys.readouterr()
    assert run(["addin", "uninstall"]) == 0
    assert "无需卸载" in capsys.readouterr().out


def test_install_rejects_a_missing_or_broken_xlam(windows: dict[str, Path], tmp_path: Path) -> None:
    from addin.errors import FileMissing, UsageError

    with pytest.raises(FileMissing):
        run(["addin", "install", "--xlam", str(tmp_path / "nope.xlam")])
    broken = tmp_path / "broken.xlam"
    broken.write_bytes(b"not a zip")
    with pytest.raises(UsageError, match="不是有效的 zhenggai 加载项"):
        run(["addin", "install", "--xlam", str(broken)])
    assert not windows["addin"].exists() and not windows["conf"].exists()


def test_install_needs_the_windows_profile_variables(windows: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from addin.errors import UsageError

    monkeypatch.delenv("APPDATA")
    with pytest.raises(UsageError, match="APPDATA"):
        installer.install_paths()


def test_helpers() -> None:
    assert installer.PROJECT_NAME == xlam.PROJECT_NAME and installer.ADDIN_FILE_NAME == xlam.ADDIN_FILE_NAME
    env = {"LOCALAPPDATA": r"C:\Users\z\AppData\Local"}
    assert (
        installer.expand_windows_vars(r"%localappdata%\Zhenggai\%NOPE%", env)
        == r"C:\Users\z\AppData\Local\Zhenggai\%NOPE%"
    )
    assert (
        installer.conf_line("INTERPRETER_WIN", r"C:\a b\pythonw.exe") == '"INTERPRETER_WIN","C:\\a b\\pythonw.exe"\r\n'
    )
