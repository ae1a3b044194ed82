"""Ways into the record from files and panels: the CSV reader, the staff, patient and time imports,
and patient bundles turned into checked rows."""
