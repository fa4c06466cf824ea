"""Find lexicon cues quickly.

One alternation of every cue, tried everywhere, costs more than VADER itself,
and so does trying every word start from Python. So a gate, run by the regex
engine in C, stops only at word starts whose first few characters begin some
cue; there the cues that can start with that letter are tried.
"""

import re
import string
from collections import defaultdict

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants
    import sre_parse

WORD_START_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)
PREFIX_LENGTH = 5
# Beyond this many prefixes a pattern's analysis stops early (a shorter prefix is always safe).
MAX_PREFIXES = 400
_OPEN = "\0"  # ends a prefix after which the pattern allows anything
_ZERO_WIDTH = (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def possible_prefixes(pattern: str, length: int = PREFIX_LENGTH) -> frozenset[str]:
    """Strings one of which begins every match of ``pattern``: each ``length``
    characters long, or shorter where the pattern ends or could go on with
    anything. ``""`` means a match could begin with anything."""
    found = _sequence(sre_parse.parse(pattern), length)
    if found is None:
        return frozenset({""})
    return frozenset(prefix.split(_OPEN)[0] for prefix in found)


def _sequence(items, length: int) -> set[str] | None:
    """Prefixes of a parsed sequence; None if even its first character is unknown."""
    prefixes = {""}
    for op, argument in items:
        if op in _ZERO_WIDTH:
            continue
        grown = set()
        for prefix in prefixes:
            if len(prefix) >= length or prefix.endswith(_OPEN):
                grown.add(prefix)
                continue
            following = _item(op, argument, length - len(prefix))
            if following is None:
                grown.add(prefix + _OPEN)
            else:
                grown.update(prefix + text for text in following)
        prefixes = grown
        if len(prefixes) > MAX_PREFIXES:
            return {prefix if prefix.endswith(_OPEN) else prefix + _OPEN for prefix in prefixes}
        if all(len(prefix) >= length or prefix.endswith(_OPEN) for prefix in prefixes):
            break
    if prefixes == {_OPEN}:
        return None
    return prefixes


def _item(op, argument, length: int) -> set[str] | None:
    """Prefixes of one parsed item ("" if it can be empty); None if unknown."""
    if op is sre_constants.LITERAL:
        return {chr(argument)}
    if op is sre_constants.IN:
        return _characters(argument)
    if op is sre_constants.SUBPATTERN:
        return _sequence(argument[-1], length)
    if op is sre_constants.BRANCH:
        branches = [_sequence(branch, length) for branch in argument[1]]
        if any(found is None for found in branches):
            return None
        return set().union(*branches)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
        minimum, maximum, body = argument
        if maximum > 1:  # "\w*", "x+": what follows the first repetition is unknown
            return None
        found = _sequence(body, length)
        if found is None:
            return None
        return found | {""} if minimum == 0 else found
    return None


def _characters(members) -> set[str] | None:
    characters = set()
    for kind, value in members:
        if kind is sre_constants.LITERAL:
            characters.add(chr(value))
        elif kind is sre_constants.RANGE:
            characters.update(chr(code) for code in range(value[0], value[1] + 1))
        else:  # categories such as \w, negated sets
            return None
    return characters


def trie_pattern(words: set[str]) -> str:
    """A regex matching any of ``words`` that branches one character at a time."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branch(tree)


def _branch(node: dict) -> str:
    if "" in node:  # a shorter word already matches whatever follows
        return ""
    parts = [re.escape(char) + _branch(child) for char, child in sorted(node.items())]
    return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"


class CueIndex:
    """Matches the lexicon's cues; each match's ``lastgroup`` is ``c<index>``."""

    def __init__(self, patterns: list[str], suffix: str = r"(?![\w-])"):
        by_letter: dict[str, list[int]] = defaultdict(list)
        gate_prefixes: set[str] = set()
        for index, pattern in enumerate(patterns):
            prefixes = possible_prefixes(pattern)
            if "" in prefixes:
                prefixes = (prefixes - {""}) | WORD_START_CHARACTERS
            for prefix in prefixes:
                if prefix[0] in WORD_START_CHARACTERS:
                    gate_prefixes.add(prefix)
                    if index not in by_letter[prefix[0]]:
                        by_letter[prefix[0]].append(index)
        self._by_letter = {
            char: re.compile("(?:" + "|".join(f"(?P<c{i}>{patterns[i]})" for i in indexes) + ")" + suffix)
            for char, indexes in by_letter.items()
        }
        self._gate = re.compile(rf"(?<![\w'-])(?={trie_pattern(gate_prefixes)})")

    def find_all(self, text: str) -> list[re.Match]:
        """Non-overlapping cue matches, leftmost first, in lexicon order at each position."""
        found = []
        resume = 0
        by_letter = self._by_letter
        for start in self._gate.finditer(text):
            position = start.start()
            if position < resume:
                continue
            match = by_letter[text[position]].match(text, position)
            if match is not None:
                resume = match.end()
                found.append(match)
        return found
