"""Analysis of result tables (never of the model): survival and strategy comparison."""

from sim.analysis.survival import compare_table, holm, table_records

__all__ = ["compare_table", "holm", "table_records"]
