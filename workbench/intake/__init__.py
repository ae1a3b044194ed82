"""Bringing files into the record: parse, check (values, policy per row), and report."""
