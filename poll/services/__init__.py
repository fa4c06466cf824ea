"""Domain rules. Services add and flush; the caller commits once."""
