"""CSV exports: rows from the database, and cells safe to open in a spreadsheet."""
