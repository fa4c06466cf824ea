"""A look as CSS: colours typed by editors, the shades drawn from them, their WCAG contrast, and the
custom properties that static/css/core.css and site.css read (colour maths by ColorAide)."""

import hashlib
import re
from dataclasses import dataclass

from coloraide import Color

from poll.database.models import LOOK_FONTS, LOOK_SCHEMES, RADIUS_MAX

# The built-in look: what static/css/core.css's :root says (keep the two in step).
BUILTIN_ACCENT = "#0b5cad"
BUILTIN_ACCENT_DARK_PAGES = "#8cb8f0"
BUILTIN_RADIUS = 6
BUILTIN_SCHEME = "light"

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
COLOUR_HELP = "a hex colour, #rgb or #rrggbb (e.g. #b00020)"

FONT_STACKS = {
    "serif": 'Georgia, "Times New Roman", "DejaVu Serif", serif',
    "sans": '"Helvetica Neue", Helvetica, Arial, "Liberation Sans", "DejaVu Sans", sans-serif',
    "system": 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif',
}
FONT_LABELS = {"serif": "Serif", "sans": "Sans serif", "system": "The reader's system font"}
SCHEME_LABELS = {
    "light": "Light",
    "dark": "Dark",
    "auto": "Automatic: light or dark as the reader's device prefers",
}
assert set(FONT_STACKS) == set(LOOK_FONTS) and set(SCHEME_LABELS) == set(LOOK_SCHEMES)

# The two palettes the accent is laid on. LIGHT is core.css's :root; DARK overrides it, and the custom
# properties site.css's :root declares for the reader's pages.
LIGHT_PAGE = {"--ink": "#1a1a1a", "--paper": "#fdfcf9", "--card": "#ffffff"}
DARK_PALETTE = {
    "--ink": "#e8e6e1",
    "--muted": "#a9a59c",
    "--paper": "#15171a",
    "--card": "#1d2024",
    "--rule": "#3b3f45",
    "--good": "#7bd49b",
    "--bad": "#ff9b93",
    "--warn": "#e6b95c",
    "--on-ink": "#15171a",
    "--notice-bg": "#2e2814",
    "--notice-rule": "#6b5a26",
    "--chip": "#2c3036",
    "--field-bg": "#101214",
    "--field-border": "#80858c",
    "--good-bg": "#173222",
    "--bad-bg": "#3a1c1c",
}
# core.css's own light tints, kept as plain values there (the card's bytes are counted): a dark look
# overrides the rules themselves.
DARK_RULES = (
    (".notice, .flash--warning, .my-comments-line", "background: var(--notice-bg)"),
    (".flash--success", "background: var(--good-bg)"),
    (".flash--error", "background: var(--bad-bg)"),
    (".result__track", "fill: var(--chip)"),
    (".result__fill", "fill: #8d99a6"),
    (".result--mine .result__fill", "fill: var(--accent)"),
    (".button--danger", "color: var(--on-ink)"),
)
TEXT_ON_ACCENT = ("#ffffff", "#111111")

TEXT_CONTRAST = 4.5  # WCAG 2.x AA, normal text (links and button labels are normal text here)


def parse_colour(text: str) -> str:
    """``#rgb`` or ``#rrggbb`` as ``#rrggbb`` in lower case; ValueError saying what to type otherwise."""
    if not HEX_COLOUR.fullmatch(text):
        raise ValueError(f"This is not a colour this form takes: type {COLOUR_HELP}.")
    return Color(text).to_string(hex=True)


def parse_radius(text: str) -> int:
    """A whole number of pixels from 0 to RADIUS_MAX; ValueError saying so otherwise."""
    if not re.fullmatch(r"[0-9]{1,3}", text) or int(text) > RADIUS_MAX:
        raise ValueError(f"Type the radius as a whole number of pixels from 0 to {RADIUS_MAX}.")
    return int(text)


def contrast(foreground: str, background: str) -> float:
    return Color(foreground).contrast(Color(background), method="wcag21")


def _mix(colour: str, other: str, amount: float) -> str:
    return Color(colour).mix(Color(other), amount, space="srgb").to_string(hex=True)


def _text_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return max(TEXT_ON_ACCENT, key=lambda text: contrast(text, background))


@dataclass(frozen=True)
class AccentShades:
    """An accent and what is drawn from it, on one palette."""

    accent: str
    strong: str  # hover, kickers: further from the page than the accent
    soft: str  # the tint behind a chosen answer or a message
    text: str  # a button's label, on the accent and on the strong shade

    def properties(self) -> dict[str, str]:
        return {
            "--accent": self.accent,
            "--accent-dark": self.strong,
            "--accent-soft": self.soft,
            "--on-accent": self.text,
        }


def shades(accent: str, *, dark: bool) -> AccentShades:
    if not dark and accent == BUILTIN_ACCENT:  # core.css's own, not recomputed
        return AccentShades(accent, "#084683", "#e6effa", "#ffffff")
    page = DARK_PALETTE["--card"] if dark else LIGHT_PAGE["--paper"]
    text = _text_on(accent)
    # Hovering moves the button away from its label: darker under white, lighter under black.
    strong = _mix(accent, "#000000" if text == TEXT_ON_ACCENT[0] else "#ffffff", 0.25)
    return AccentShades(accent, strong, _mix(accent, page, 0.8 if dark else 0.88), text)


def contrast_problems(accent: str, *, dark: bool) -> list[str]:
    """Every pair the accent makes on its palette below WCAG AA, in words (none: it may be saved)."""
    palette = DARK_PALETTE if dark else LIGHT_PAGE
    shade = shades(accent, dark=dark)
    pages = "dark pages" if dark else "light pages"
    pairs = [
        ("button labels on it", shade.text, shade.accent),
        ("button labels on its hover shade", shade.text, shade.strong),
        ("it as link text on the page", shade.accent, palette["--paper"]),
        ("it as link text on the card", shade.accent, palette["--card"]),
        ("text on its pale tint (a chosen answer)", palette["--ink"], shade.soft),
    ]
    return [
        f"On {pages}, {what} has a contrast of {ratio:.2f}:1; WCAG AA asks for {TEXT_CONTRAST}:1 at least."
        for what, foreground, background in pairs
        if (ratio := contrast(foreground, background)) < TEXT_CONTRAST
    ]


@dataclass(frozen=True)
class EffectiveLook:
    """A poll's look once every unset field has taken the site's, or the built-in, value."""

    accent: str = BUILTIN_ACCENT
    accent_dark: str = BUILTIN_ACCENT_DARK_PAGES
    font: str | None = None  # None: the built-in pair (system text, serif headings)
    radius: int = BUILTIN_RADIUS
    scheme: str = BUILTIN_SCHEME


def describe(look: EffectiveLook) -> str:
    """The look in a line, for the poll's editor."""
    font = FONT_LABELS[look.font].lower() if look.font else "system text with serif headings"
    scheme = SCHEME_LABELS[look.scheme].split(":")[0].lower()
    accents = f"accent {look.accent} ({look.accent_dark} on dark pages)"
    return f"{accents}, {font}, corners {look.radius} px, {scheme}"


def _block(selector: str, properties: dict[str, str]) -> str:
    return selector + " {\n" + "".join(f"  {name}: {value};\n" for name, value in properties.items()) + "}\n"


def look_css(look: EffectiveLook, selector: str = ":root") -> str:
    """The stylesheet: only what differs from core.css's built-in look, the dark palette where the
    scheme shows it. ``selector`` other than :root scopes it to one element (the editor's preview)."""
    light: dict[str, str] = {}
    if look.accent != BUILTIN_ACCENT:
        light.update(shades(look.accent, dark=False).properties())
    if look.radius != BUILTIN_RADIUS:
        light["--radius"] = f"{look.radius}px"
    if look.font is not None:
        light["--font"] = light["--font-head"] = FONT_STACKS[look.font]
    dark = {"color-scheme": "dark", **DARK_PALETTE, **shades(look.accent_dark, dark=True).properties()}
    if selector != ":root":  # an element does not inherit from <body>, which :root's values reach
        light.update({"color": "var(--ink)", "background": "var(--paper)", "font-family": "var(--font)"})
    css = "/* Debate Poll: a newsroom's look (docs/embedding.md). */\n"
    if look.scheme == "dark":
        return css + _block(selector, {**light, **dark}) + _dark_rules(selector)
    if look.scheme == "auto":
        light["color-scheme"] = "light dark"
        dark_css = (_block(selector, dark) + _dark_rules(selector)).rstrip().replace("\n", "\n  ")
        media = "@media (prefers-color-scheme: dark) {\n  " + dark_css + "\n}\n"
        return css + _block(selector, light) + media
    return css + (_block(selector, light) if light else "")


def _dark_rules(selector: str) -> str:
    scope = "" if selector == ":root" else selector + " "
    return "".join(
        ", ".join(scope + part for part in selectors.split(", ")) + " { " + declaration + "; }\n"
        for selectors, declaration in DARK_RULES
    )


def css_etag(css: str) -> str:
    """A strong validator: the stylesheet's own hash."""
    return hashlib.sha256(css.encode()).hexdigest()[:32]
