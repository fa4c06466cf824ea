"""Alerts: signed webhooks for moderation events, and moderators' review digests by email."""
