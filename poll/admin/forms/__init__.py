"""The admin pages' forms, one module per area."""
