"""FHIR R4 import (docs/import.md, "FHIR"): bundles and bulk-export NDJSON into the record."""

from .load import import_fhir  # noqa: F401
