"""Worksheet functions (ZG_CHECK, ZG_CHECKS, ZG_IDCARD, ZG_AGE, ZG_OVERDUE, ZG_RISK, ZG_OWNER).

``addin.udfs.functions`` is the UDF module the add-in registers (it imports xlwings);
``addin.udfs.logic`` holds the argument/result glue and imports only the core. This
package file imports neither, so ``import addin.udfs.logic`` never pulls in xlwings.
"""
