"""Exports of the record: the panel as import CSV files."""
