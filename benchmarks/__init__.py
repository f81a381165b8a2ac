"""Benchmarks: medians of the app's operations beside hand-written-SQL floors (not tests)."""
