"""The database: models, column types, and the statements run on the driver's own cursor."""
