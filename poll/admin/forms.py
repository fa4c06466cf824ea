"""Forms of the admin pages."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from poll.database.column_types import utcnow
from poll.database.models import ALL_FLAGS, BLOCKED_BANNED, BLOCKED_SUSPECT, DEFAULT_RESULTS_NOTE, Poll
from poll.debate.moderation import ACTIONS as MODERATION_ACTIONS
from poll.debate.moderation import PRESET_MAX_LENGTH, REASON_MAX_LENGTH
from poll.debate.mutes import DURATION_LABELS
from poll.polls.editing import (
    OWN_SIDE,
    SIDE_HEADING_MAX_LENGTH,
    SLUG_MAX_LENGTH,
    PlannedChoice,
    PollError,
    choices_problem,
    default_side_heading,
    has_votes,
    local_time,
    plan_choices,
    sides_problems,
    slug_from_title,
    slug_problem,
    utc_from_local,
)
from poll.polls.embedding import EmbedSiteError, parse_origins
from poll.vocabulary import NEUTRAL, SENTIMENTS, STANCES, UNCERTAIN
from poll.web.field_rules import (
    no_bidi_controls,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)
from poll.web.row_ids import row_id

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MODERATION_LABELS = {"pre": "Pre-moderation: public once approved", "post": "Post-moderation: public at once"}
BLOCKED_KIND_LABELS = {
    BLOCKED_SUSPECT: "Suspect: flag for moderators, publish as usual",
    BLOCKED_BANNED: "Banned: hold for review, even on post-moderated polls",
}
VISIBILITY_LABELS = {"after_vote": "After voting", "always": "Always, even before voting"}


class ButtonForm(FlaskForm):
    """CSRF only, for actions that are a button."""


class LoginForm(FlaskForm):
    username = StringField(
        "Name",
        filters=[strip_whitespace],
        validators=[DataRequired("Please enter your name."), Length(max=50)],
    )
    password = PasswordField(
        "Password", validators=[DataRequired("Please enter your password."), Length(max=200)]
    )


class ModerationForm(FlaskForm):
    action = SelectField(
        "Action",
        choices=[SelectChoice(action.name, action.label) for action in MODERATION_ACTIONS.values()],
        validators=[single_value],
    )
    # A preset rejection reason; the view fills the choices from the current list.
    preset = SelectField(
        "Preset reason", choices=[SelectChoice("", "No preset")], default="", validators=[single_value]
    )
    reason = StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            Length(
                max=REASON_MAX_LENGTH, message=f"Please keep the reason to {REASON_MAX_LENGTH} characters."
            ),
            plain_text,
            no_bidi_controls,
        ],
    )


def void_reason_field(required_message: str) -> StringField:
    return StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired(required_message),
            Length(
                max=REASON_MAX_LENGTH, message=f"Please keep the reason to {REASON_MAX_LENGTH} characters."
            ),
            plain_text,
            no_bidi_controls,
        ],
    )


class VoidBurstForm(FlaskForm):
    """Void one burst listed on the dashboard, named by its first vote."""

    # A hidden id as a number; anything else None (the view answers that the burst is unknown).
    burst = HiddenField(filters=[row_id], validators=[single_value])
    reason = void_reason_field("Please say why these votes should not count.")


class RestoreVotesForm(FlaskForm):
    reason = void_reason_field("Please say why these votes count again.")


class StanceForm(FlaskForm):
    stance = SelectField("Stance", choices=[SelectChoice(stance, stance.capitalize()) for stance in STANCES])


class SideForm(Form):
    """One choice's row of the poll editor's side mapping (inside PollForm, which carries the CSRF token)."""

    side = SelectField(validate_choice=False, validators=[single_value])
    heading = StringField(
        filters=[strip_whitespace],
        validators=[
            single_value,
            Length(
                max=SIDE_HEADING_MAX_LENGTH,
                message=f"Please keep the heading to {SIDE_HEADING_MAX_LENGTH} characters.",
            ),
            plain_text,
            no_format_characters,
        ],
    )


@dataclass
class SideRow:
    choice: PlannedChoice
    form: SideForm


class PollForm(FlaskForm):
    """The poll editor. ``zone``: the newsroom's time zone, in which times are shown and typed;
    ``poll``: the poll being edited (None for a new one), whose choices keep their keys."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[DataRequired("Please give a title."), Length(max=200), plain_text, no_format_characters],
    )
    slug = StringField(
        "Address (slug)",
        filters=[strip_whitespace],
        validators=[
            single_value,
            Length(max=SLUG_MAX_LENGTH, message=f"Please keep the address to {SLUG_MAX_LENGTH} characters."),
        ],
    )
    # The address static/js/poll-editor.js last made from the title: while the field still holds it, the
    # address follows the title (and is made unique) as if the field had been left empty.
    slug_suggested = HiddenField(filters=[strip_whitespace])
    question = TextAreaField(
        "Question",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please give the question."),
            Length(max=500),
            plain_text,
            no_format_characters,
        ],
    )
    summary = TextAreaField(
        "Summary (blank line between paragraphs)",
        filters=[strip_whitespace],
        validators=[Length(max=5000), plain_text, no_format_characters],
    )
    choices = TextAreaField(
        "Choices, one per line",
        filters=[strip_whitespace],
        description=(
            "Each line is an answer as readers see it, colons and all. Keys (in exports and results.json) "
            "are made from the labels; an edited line keeps its key and its votes."
        ),
        validators=[
            DataRequired("Please list the choices, one per line."),
            Length(max=3000),
            plain_text,
            no_format_characters,
        ],
    )
    rewording_confirmed = BooleanField(
        "The votes still mean this",
        description=(
            "Only when a choice that has votes is reworded, not just corrected: its votes will count for "
            "the new words. Preview first to see which."
        ),
    )
    opens_at = DateTimeLocalField(
        "Opens", format="%Y-%m-%dT%H:%M", validators=[InputRequired("Please give an opening time.")]
    )
    closes_at = DateTimeLocalField("Closes (optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    moderation_mode = SelectField(
        "Comments",
        choices=[SelectChoice(value, label) for value, label in MODERATION_LABELS.items()],
        validators=[single_value],
    )
    results_visibility = SelectField(
        "Results shown",
        choices=[SelectChoice(value, label) for value, label in VISIBILITY_LABELS.items()],
        validators=[single_value],
    )

    embed_origins = TextAreaField(
        "Sites that may embed this poll, one per line (besides EMBED_ORIGINS)",
        filters=[strip_whitespace],
        description=(
            "Like https://news.example; https://*.news.example admits its subdomains. "
            "http:// only for a development site on this machine (http://localhost)."
        ),
        validators=[Length(max=2000), no_format_characters],
    )
    results_note = StringField(
        "Note under the results (blank for none)",
        filters=[strip_whitespace],
        validators=[Length(max=200), plain_text, no_format_characters],
    )
    preview = SubmitField("Preview")
    save = SubmitField("Save poll")

    def __init__(self, *args, zone: ZoneInfo, poll: Poll | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone, self.poll = zone, poll
        self.opens_at.label.text = f"Opens ({zone.key})"
        self.closes_at.label.text = f"Closes ({zone.key}, optional)"
        self.opens_at.description = self.closes_at.description = f"In {zone.key} time; kept in UTC."
        if poll is None:
            self.slug.description = "Leave it empty to make it from the title."
        elif has_votes(poll):
            self.slug.description = (
                "Fixed: the poll has votes, and articles and readers link to this address."
            )
        else:
            self.slug.description = "The poll's link: fixed once the first vote is in."
        self.form_errors: list[str] = []
        self.side_errors: list[str] = []
        self.time_notes: list[str] = []
        self.slug_derived = False
        self.opens_at_utc = self.closes_at_utc = None
        if not self.is_submitted():
            self._fill(poll)
        self.plan = plan_choices(self.choice_labels, poll.choices if poll else ())
        self.side_rows = [self._side_row(choice) for choice in self.plan.choices]

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs) -> None:
        # Kept for the side rows, which are made once the choices are known.
        self.submitted_data = self.meta.wrap_formdata(self, formdata)
        super().process(self.submitted_data, obj, data, extra_filters, **kwargs)

    def _fill(self, poll: Poll | None) -> None:
        """What an editor starts from: the poll as stored, or a new poll opening now."""
        if poll is None:
            self.opens_at.data = local_time(utcnow(), self.zone).replace(second=0, microsecond=0)
            self.results_note.data = DEFAULT_RESULTS_NOTE
            return
        for name in ("title", "slug", "question", "summary", "moderation_mode", "results_visibility"):
            getattr(self, name).data = getattr(poll, name)
        self.embed_origins.data, self.results_note.data = poll.embed_origins, poll.results_note
        self.choices.data = "\n".join(choice.label for choice in poll.choices)
        self.opens_at.data = local_time(poll.opens_at, self.zone).replace(second=0, microsecond=0)
        if poll.closes_at is not None:
            self.closes_at.data = local_time(poll.closes_at, self.zone).replace(second=0, microsecond=0)

    @property
    def choice_labels(self) -> list[str]:
        text = self.choices.data if isinstance(self.choices.data, str) else ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _side_row(self, choice: PlannedChoice) -> SideRow:
        stored = self.poll.choice_by_key(choice.key) if self.poll else None
        default = {"side": (stored.side or OWN_SIDE) if stored else OWN_SIDE}
        default["heading"] = stored.side_heading if stored else ""
        if default["side"] == choice.key:
            default["side"] = OWN_SIDE
        form = SideForm(formdata=self.submitted_data, prefix=f"side-{choice.key}", data=default)
        form.side.label.text = f"Side of “{choice.label}”"
        form.heading.label.text = f"Debate heading for “{choice.label}”"
        form.side.choices = [
            SelectChoice(OWN_SIDE, "A side of its own"),
            SelectChoice(NEUTRAL, "Neutral (neither side)"),
            *(
                SelectChoice(other.key, f"With “{other.label}”")
                for other in self.plan.choices
                if other != choice
            ),
        ]
        return SideRow(choice, form)

    @property
    def wants_preview(self) -> bool:
        return bool(self.preview.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        rows_valid = [row.form.validate() for row in self.side_rows]
        if valid and all(rows_valid):
            problems = sides_problems(self.plan.choices, self.sides)
            for row in self.side_rows:
                if row.choice.key in problems:
                    row.form.side.errors.append(problems[row.choice.key])
            if "" in problems:
                self.side_errors.append(problems[""])
            return not problems
        return False

    def validate_slug(self, field) -> None:
        typed = field.data or ""
        if self.poll is None and (not typed or typed == (self.slug_suggested.data or "")):
            if self.title.errors or not self.title.data:
                return  # the title's own message says what is missing
            field.data = self.slug_suggested.data = slug_from_title(self.title.data)
            self.slug_derived = True
            return
        if not typed:
            raise ValidationError("Please give the poll an address.")
        if not re.fullmatch(SLUG_PATTERN, typed):
            raise ValidationError("Use lower-case letters, digits and single dashes, like my-poll-2026.")
        problem = slug_problem(typed, self.poll)
        if problem:
            raise ValidationError(problem)

    def validate_choices(self, field) -> None:
        # The preview is where a rewording is shown (marked "reworded"); only saving needs the tick.
        confirmed = bool(self.rewording_confirmed.data) or self.wants_preview
        problem = choices_problem(self.plan, rewording_confirmed=confirmed)
        if problem:
            raise ValidationError(problem)

    def _utc(self, field, stored: datetime | None) -> datetime | None:
        if field.data is None:
            return None
        try:
            value, note = utc_from_local(field.data, self.zone, stored)
        except PollError as error:
            raise ValidationError(str(error)) from None
        if note:
            self.time_notes.append(f"{field.label.text}: {note}")
        return value

    def validate_opens_at(self, field) -> None:
        self.opens_at_utc = self._utc(field, self.poll.opens_at if self.poll else None)

    def validate_closes_at(self, field) -> None:
        self.closes_at_utc = self._utc(field, self.poll.closes_at if self.poll else None)
        opens_at = self.opens_at_utc
        if self.closes_at_utc is not None and opens_at is not None and self.closes_at_utc <= opens_at:
            raise ValidationError("The closing time must be after the opening time.")

    def validate_embed_origins(self, field) -> None:
        try:
            self.parsed_embed_origins = parse_origins(field.data or "")
        except EmbedSiteError as error:
            raise ValidationError(str(error)) from None

    @property
    def parsed_choices(self) -> list[tuple[str, str]]:
        return [(choice.key, choice.label) for choice in self.plan.choices]

    @property
    def sides(self) -> dict[str, str]:
        """Choice key -> "" (a side of its own), "neutral" or another choice's key."""
        sides = {}
        for row in self.side_rows:
            side = row.form.side.data or OWN_SIDE
            sides[row.choice.key] = OWN_SIDE if side == row.choice.key else side
        return sides

    @property
    def headings(self) -> dict[str, str]:
        return {row.choice.key: row.form.heading.data or "" for row in self.side_rows}

    def poll_fields(self) -> dict:
        """The poll's columns as the services take them (after ``validate``)."""
        return {
            "slug": self.slug.data,
            "title": self.title.data,
            "question": self.question.data,
            "summary": self.summary.data or "",
            "opens_at": self.opens_at_utc,
            "closes_at": self.closes_at_utc,
            "moderation_mode": self.moderation_mode.data,
            "results_visibility": self.results_visibility.data,
            "embed_origins": "\n".join(self.parsed_embed_origins),
            "results_note": self.results_note.data or "",
        }

    def refuse(self, error: PollError) -> None:
        """Put a service's refusal beside the field it concerns."""
        if error.field == "sides":
            self.side_errors.append(str(error))
        elif error.field and error.field in self:
            self[error.field].errors.append(str(error))
        else:
            self.form_errors.append(str(error))

    @staticmethod
    def chosen_label(field: SelectField) -> str:
        return next((choice.label for choice in field.choices if choice.value == field.data), "")

    def problems(self) -> list[tuple[str, str, str]]:
        """(field id, field label, message) of every refusal, for the summary above the form."""
        found = [
            (field.id, field.label.text, error)
            for field in self
            if field.type not in ("SubmitField", "CSRFTokenField")
            for error in field.errors
        ]
        found += [("sides", "Debate sides", error) for error in self.side_errors]
        for row in self.side_rows:
            found += [(field.id, field.label.text, error) for field in row.form for error in field.errors]
        return found

    def side_groups(self) -> tuple[list[tuple[str, list[str]]], list[str]]:
        """For the preview: (debate heading, labels of the choices standing for it) for each side, and
        the labels of the neutral choices."""
        sides, headings = self.sides, self.headings
        side_of = {key: key if side == OWN_SIDE else side for key, side in sides.items()}
        groups = [
            (
                headings.get(choice.key) or default_side_heading(choice.label),
                [other.label for other in self.plan.choices if side_of.get(other.key) == choice.key],
            )
            for choice in self.plan.choices
            if side_of.get(choice.key) == choice.key != NEUTRAL
        ]
        neutral = [choice.label for choice in self.plan.choices if side_of.get(choice.key) == NEUTRAL]
        return groups, neutral


class StanceExamplesForm(FlaskForm):
    stance = SelectField(
        "Side", validators=[InputRequired(message="Choose the side these examples argue for.")]
    )
    examples = TextAreaField(
        "Example arguments, one per line",
        filters=[strip_whitespace],
        validators=[
            DataRequired(message="Write at least one example argument (one per line)."),
            Length(max=20_000, message="That is too much at once: at most 20,000 characters."),
            plain_text,
            no_bidi_controls,
        ],
    )


class BlockedWordForm(FlaskForm):
    phrase = StringField(
        "Word or phrase",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please enter a word or phrase."),
            Length(max=100),
            plain_text,
            no_format_characters,
        ],
    )
    kind = SelectField(
        "Kind",
        choices=[SelectChoice(value, label) for value, label in BLOCKED_KIND_LABELS.items()],
        default=BLOCKED_SUSPECT,
        validators=[single_value],
    )


class MuteForm(FlaskForm):
    reason = void_reason_field("Please say why this voter is muted.")
    duration = SelectField(
        "For",
        choices=[SelectChoice(value, label) for value, label in DURATION_LABELS.items()],
        default="1d",
        validators=[single_value],
    )


class RejectionReasonForm(FlaskForm):
    text = StringField(
        "Reason",
        filters=[strip_whitespace],
        validators=[
            single_value,
            DataRequired("Please write the reason."),
            Length(max=PRESET_MAX_LENGTH, message=f"Please keep it to {PRESET_MAX_LENGTH} characters."),
            plain_text,
            no_format_characters,
        ],
    )


# Filters (GET) ----------------------------------------------------------------

# SQLite's OFFSET is a 64-bit integer: a page number past this could not even be
# asked of the database, and no list here comes near it.
LAST_ASKABLE_PAGE = 2**31
QUERY_TEXT_MAX_LENGTH = 200


def any_of(values, label=lambda value: value, anything: str = "Any") -> list[SelectChoice]:
    return [SelectChoice("", anything), *(SelectChoice(value, label(value)) for value in values)]


class FilterForm(FlaskForm):
    """A list's filters, read from the query string. No CSRF: a GET changes
    nothing. A value the form does not know is dropped rather than refused, so
    an old bookmark or a hand-edited address still opens the list."""

    class Meta:
        csrf = False

    page = IntegerField(default=1, validators=[Optional(), NumberRange(min=1, max=LAST_ASKABLE_PAGE)])

    def __init__(self, args, **kwargs):
        super().__init__(formdata=args, **kwargs)

    def drop_unknown_values(self) -> "FilterForm":
        self.validate()
        for field in self:
            if field.errors:
                # raw_data too: a date field would otherwise show the bad text again.
                field.data, field.raw_data, field.errors = field.default, None, []
        return self

    def offer_polls(self, polls: list[Poll], anything: str) -> None:
        """The ``poll`` field's choices (the forms below have one); ``chosen_poll``
        then finds the chosen poll among them without asking the database again."""
        self._polls = {poll.slug: poll for poll in polls}
        self.poll.choices = [SelectChoice("", anything), *(SelectChoice(p.slug, p.title) for p in polls)]

    def chosen_poll(self) -> Poll | None:
        return self._polls.get(self.poll.data or "")

    def query_args(self) -> dict[str, str]:
        """The chosen filters for links to this list (the pager's), page aside."""
        return {
            field.name: field.data.isoformat() if isinstance(field.data, date) else str(field.data)
            for field in self
            if field.name != "page" and field.data not in (None, "")
        }


def trimmed_query(value: str | None) -> str:
    return (value or "").strip()[:QUERY_TEXT_MAX_LENGTH]


class QueueFilterForm(FilterForm):
    poll = SelectField("Poll", id="f-poll", default="")
    status = SelectField("Status", id="f-status", default="")
    # Sure stances only (a moderator's, or the tagger's where it is sure), or the unsure ones.
    stance = SelectField(
        "Stance", id="f-stance", default="", choices=[*any_of(STANCES), SelectChoice(UNCERTAIN, "uncertain")]
    )
    sentiment = SelectField("Sentiment", id="f-sentiment", default="", choices=any_of(SENTIMENTS))
    flag = SelectField(
        "Flag", id="f-flag", default="", choices=any_of(ALL_FLAGS, lambda flag: flag.replace("_", " "))
    )
    q = SearchField(
        "Text", id="f-q", default="", filters=[trimmed_query], validators=[Length(max=QUERY_TEXT_MAX_LENGTH)]
    )
    comment = HiddenField(default="")

    def __init__(self, args, polls: list[Poll], status_choices: list[tuple[str, str]]):
        super().__init__(args)
        self.offer_polls(polls, "All polls")
        self.status.choices = [SelectChoice(value, label) for value, label in status_choices]


class AuditFilterForm(FilterForm):
    actor = SelectField("Who", id="a-actor", default="")
    action = SelectField("Action", id="a-action", default="")
    poll = SelectField("Poll", id="a-poll", default="")
    since = DateField("From", id="a-since", validators=[Optional()])
    until = DateField("To", id="a-until", validators=[Optional()])

    def __init__(self, args, polls: list[Poll], actors: list[str], actions: list[str]):
        super().__init__(args)
        self.actor.choices = any_of(actors, anything="Anyone")
        self.action.choices = any_of(actions)
        self.offer_polls(polls, "Any")
