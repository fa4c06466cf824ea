"""The test processes' cache of URL builders (tests/url_builders.py) builds what werkzeug's own does."""

from werkzeug.routing.converters import NumberConverter, PathConverter, UUIDConverter
from werkzeug.routing.rules import Rule

from tests.url_builders import WERKZEUGS_OWN

SAMPLES = (
    (NumberConverter, 7),
    (PathConverter, "a/b c"),
    (UUIDConverter, "0b4b4c6e-1d0b-4f3c-9d7a-0e5b7a1c2d3e"),
)


def sample_for(converter) -> object:
    return next((value for kind, value in SAMPLES if isinstance(converter, kind)), "north korea?")


def test_the_cache_is_in_place():
    assert Rule._compile_builder is not WERKZEUGS_OWN


def test_every_routes_cached_builder_builds_what_werkzeugs_own_does(app):
    """Every route of an app built after others (so most builders come from the cache), with sample
    values and an extra query argument: the same URL as a builder werkzeug compiles afresh."""
    checked = 0
    for rule in app.url_map.iter_rules():
        values = {name: sample_for(converter) for name, converter in rule._converters.items()}
        own = WERKZEUGS_OWN(rule, False).__get__(rule, None)
        own_unknown = WERKZEUGS_OWN(rule, True).__get__(rule, None)
        assert rule._build(**values) == own(**values), rule.rule
        assert rule._build_unknown(**values, page="2") == own_unknown(**values, page="2"), rule.rule
        checked += 1
    assert checked > 50
