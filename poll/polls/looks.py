"""A newsroom's look: the site's default and a poll's own, what a poll shows once unset fields fall back
(poll, then site, then built-in), and saving either, contrast-checked and audited."""

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime

from poll.accounts import audit
from poll.database.models import Look, Poll
from poll.extensions import db
from poll.polls.look_css import RADIUS_MAX, EffectiveLook, contrast_problems, parse_colour

SITE_TARGET = "site"


@dataclass(frozen=True)
class LookFields:
    """What an editor sets; None leaves a field to the site's default (or, for the site, built in)."""

    accent: str | None = None
    accent_dark: str | None = None
    font: str | None = None
    radius: int | None = None
    scheme: str | None = None


class LookError(Exception):
    """A look that cannot be saved, with the field to show the reason beside."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(message for messages in problems.values() for message in messages))
        self.problems = problems


def stored_look(poll_id: int | None) -> Look | None:
    """The poll's own look row, or (``None``) the site's default row."""
    column = Look.poll_id.is_(None) if poll_id is None else Look.poll_id == poll_id
    return db.session.execute(db.select(Look).where(column).order_by(Look.id).limit(1)).scalar_one_or_none()


def fields_of(look: Look | None) -> LookFields:
    if look is None:
        return LookFields()
    return LookFields(**{field.name: getattr(look, field.name) for field in fields(LookFields)})


def effective(own: LookFields, site: LookFields) -> EffectiveLook:
    """Each field: the poll's, else the site's, else the built-in value."""
    chosen = {}
    for field in fields(LookFields):
        value = getattr(own, field.name)
        value = getattr(site, field.name) if value is None else value
        if value is not None:
            chosen[field.name] = value
    return replace(EffectiveLook(), **chosen)


def poll_look(slug: str) -> EffectiveLook | None:
    """The look the poll at ``slug`` shows, or None when there is no such poll."""
    row = db.session.execute(
        db.select(Poll.id, Look).outerjoin(Look, Look.poll_id == Poll.id).where(Poll.slug == slug)
    ).first()
    if row is None:
        return None
    return effective(fields_of(row.Look), fields_of(stored_look(None)))


def base_for(poll: Poll | None) -> LookFields:
    """What a look's unset fields fall back to: the site's default under a poll's own look, the built-in
    look under the site's default."""
    return fields_of(stored_look(None)) if poll is not None else LookFields()


def check_look(own: LookFields, site: LookFields) -> None:
    """Refuse (LookError, beside the accent field it concerns) a look whose accents fail WCAG AA on
    their palette. Both palettes are checked whatever the scheme, so that a later change of scheme,
    here or in the site's default, never shows an unchecked pair. The values themselves are checked
    here too, not only by the forms: look.css writes them as they are stored."""
    _check_values(own)
    look = effective(own, site)
    problems = {
        "accent": contrast_problems(look.accent, dark=False),
        "accent_dark": contrast_problems(look.accent_dark, dark=True),
    }
    problems = {name: messages for name, messages in problems.items() if messages}
    if problems:
        raise LookError(problems)


def _check_values(own: LookFields) -> None:
    problems: dict[str, list[str]] = {}
    for name in ("accent", "accent_dark"):
        value = getattr(own, name)
        if value is None:
            continue
        try:
            if parse_colour(value) != value:
                raise ValueError(f"Store the colour as #rrggbb in lower case, such as {parse_colour(value)}.")
        except ValueError as error:
            problems[name] = [str(error)]
    if own.radius is not None and not 0 <= own.radius <= RADIUS_MAX:
        problems["radius"] = [f"The radius is a whole number of pixels from 0 to {RADIUS_MAX}."]
    if problems:
        raise LookError(problems)


def save_look(poll: Poll | None, wanted: LookFields, actor, now: datetime) -> Look:
    """Save the poll's own look (``poll``) or the site's default (None), checked and audited."""
    check_look(wanted, base_for(poll))
    look = stored_look(poll.id if poll is not None else None)
    before = asdict(fields_of(look))
    if look is None:
        look = Look(poll_id=poll.id) if poll is not None else Look(site_default=True)
        db.session.add(look)
    for name, value in asdict(wanted).items():
        setattr(look, name, value)
    look.updated_at = now
    db.session.flush()
    after = asdict(wanted)
    if before != after:
        target = poll.slug if poll is not None else SITE_TARGET
        changed = [name for name in after if before[name] != after[name]]
        audit.record(
            actor,
            "look.edit",
            "look",
            target,
            now,
            poll_id=poll.id if poll is not None else None,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
        )
    return look
