"""Argument types every ``zhenggai`` command shares (one place, so each says its errors the same way)."""

from __future__ import annotations

import argparse
import datetime as dt


def date_arg(text: str) -> dt.date:
    """A YYYY-MM-DD argument (``--as-of``); argparse shows the Chinese message and exits 2."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from exc
