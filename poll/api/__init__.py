"""The JSON API for newsroom tools at /api/v1/, authenticated by API keys (docs/api.md)."""
