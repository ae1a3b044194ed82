"""Ways into the record from files and panels: the CSV reader, the staff, patient and time imports,
patient bundles turned into checked rows, and the FHIR R4 import (``intake.fhir``)."""
