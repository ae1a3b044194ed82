"""CCM Workbench: the Chronic Care Management record, its rules, and the service over them."""

__version__ = "0.1.0"
