"""Polls: the poll page, voting and results, the embedded card, and editing polls."""
