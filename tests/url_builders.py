"""Each route's URL builders compiled once per test process, not once per app.

Every test builds an app, and werkzeug compiles two small Python functions for each of the app's ~80
routes (``Rule._compile_builder``: an AST compiled with ``compile()``), about half of what building an app
costs. Such a function depends only on the rule's text and parsed parts (it reaches the rule's converters
through the rule it is bound to), so one compiled for an equal rule of an earlier app is the same
function. Rules with defaults are compiled as usual: a default may be folded into the builder.

Private API (werkzeug.routing.rules.Rule._compile_builder), noted beside the Werkzeug pin in
pyproject.toml; tests/test_url_builders.py compares every route's cached builders with werkzeug's own.
"""

from werkzeug.routing.rules import Rule

WERKZEUGS_OWN = Rule._compile_builder
_COMPILED: dict[tuple, object] = {}


def _compile_builder_once(rule: Rule, append_unknown: bool = True):
    if rule.defaults:
        return WERKZEUGS_OWN(rule, append_unknown)
    key = (rule.rule, tuple(rule._trace), append_unknown)
    if key not in _COMPILED:
        _COMPILED[key] = WERKZEUGS_OWN(rule, append_unknown)
    return _COMPILED[key]


def compile_each_builder_once() -> None:
    Rule._compile_builder = _compile_builder_once  # type: ignore[method-assign]
