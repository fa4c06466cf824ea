"""Slugs made from what editors type."""

from poll.polls.slugs import slugify


def test_slugify_keeps_to_the_rules():
    assert slugify("  North Korea's missile launches: how?  ", 80) == "north-korea-s-missile-launches-how"
    assert slugify("Ça coûte — 2026!", 80) == "ca-coute-2026"
    assert slugify("한국어 제목", 80) == ""
    assert slugify("ab-cd-ef", 3) == "ab"
