"""Invisible Unicode format characters (category Cf) in what people type.

Bidirectional overrides reorder what is shown ("\u202enimda" shows as
"admin"), and zero-width characters make two names look alike, so names and
poll texts take none of them. Two exceptions keep ordinary writing working:
the zero-width joiner and non-joiner between two visible characters (emoji
sequences such as 👩‍💻, and Persian or Indic words need them).

Comment bodies and other free text refuse only the bidirectional embedding,
override and isolate controls, which reorder the text around them; the other
format characters (marks, joiners, soft hyphens, emoji tags) belong in
ordinary text.
"""

import unicodedata

JOINERS = {"\u200c", "\u200d"}
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

FORMAT_CHARACTER_MESSAGE = (
    "Please remove invisible formatting characters (such as right-to-left overrides or "
    "zero-width spaces): they can make text look like something else."
)
BIDI_CONTROL_MESSAGE = (
    "Please remove invisible text-direction controls (such as right-to-left overrides): "
    "they can make text read differently from what was written."
)


def is_format_character(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def _visible(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char)[0] not in "CZ"


# Letters and symbols that draw nothing: a name made of them renders blank.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def has_visible_character(text: str) -> bool:
    """Whether ``text`` draws anything: a letter, digit, mark or symbol that is not blank-looking."""
    return any(_visible(char) and char not in BLANK_LOOKING for char in text)


def format_characters_in_name(text: str) -> list[str]:
    """The format characters a name or poll text may not hold, in order (empty: none)."""
    found = []
    for index, char in enumerate(text):
        if not is_format_character(char):
            continue
        joins_two_visible = (
            char in JOINERS
            and 0 < index < len(text) - 1
            and _visible(text[index - 1])
            and _visible(text[index + 1])
        )
        if not joins_two_visible:
            found.append(char)
    return found


def bidi_controls_in(text: str) -> list[str]:
    """The bidirectional embedding, override and isolate controls in free text."""
    return [char for char in text if char in BIDI_CONTROLS]


def format_character_problem(text: str) -> str | None:
    """What to tell someone whose name or poll text holds format characters, or None."""
    found = format_characters_in_name(text)
    return f"{FORMAT_CHARACTER_MESSAGE} Found: {describe(found)}." if found else None


def bidi_control_problem(text: str) -> str | None:
    """What to tell someone whose free text holds direction controls, or None."""
    found = bidi_controls_in(text)
    return f"{BIDI_CONTROL_MESSAGE} Found: {describe(found)}." if found else None


def describe(chars: list[str]) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE`` for the first few, for a message."""
    names = [
        f"U+{ord(char):04X} {unicodedata.name(char, 'FORMAT CHARACTER')}" for char in dict.fromkeys(chars)
    ]
    return ", ".join(names[:3])
