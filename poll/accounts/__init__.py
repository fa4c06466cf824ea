"""Moderator accounts, their sessions, and the audit log of what they do."""
