"""The Excel front-end: ribbon actions on the user's open workbook, through xlwings.

* :mod:`addin.excel.ribbon` — ``dispatch(tag)``, what the ribbon's one VBA callback calls;
* :mod:`addin.excel.actions` — ``ACTIONS``, one function per button;
* :mod:`addin.excel.book` — an ``xw.Book`` read once into the core's ``RawWorkbook``;
* :mod:`addin.excel.findings_sheet` and :mod:`addin.excel.marks` — what 检查台账 writes
  (the 检查结果 sheet; conditional-format marks driven by the hidden sheet ``_zhenggai``,
  notes) and how 清除标记 removes exactly that;
* :mod:`addin.excel.messages` — every Chinese text the buttons show;
* :mod:`addin.excel.com` — the engine-specific corner (the only code touching ``.api``).

No module here imports xlwings at import time (only ``dispatch`` does, to find the
calling workbook), so the package can be imported, and its registry inspected, anywhere.
"""
