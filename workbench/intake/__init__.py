"""Records coming in from outside: importers that check a whole input before anything is written."""
