"""Synthetic county ledgers: coherent clean data, messy layouts, deliberate problems (see generator.py)."""

from tests.samples.generator import INJECTORS, Injection, Sample, SheetInfo, build_county_workbook, build_samples

__all__ = ["INJECTORS", "Injection", "Sample", "SheetInfo", "build_county_workbook", "build_samples"]
