"""Fitting and measuring the tagger's heads (never imported at run time)."""
