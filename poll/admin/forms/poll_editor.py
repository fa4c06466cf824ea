"""The poll editor: a poll's texts, choices, sides, schedule and embedding sites, with a preview."""

from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional, ValidationError

from poll.admin.forms.poll_sides import mapped_sides, side_row
from poll.database.column_types import utcnow
from poll.database.models import DEFAULT_RESULTS_NOTE, Choice, Poll
from poll.polls.choice_plans import choices_problem, plan_choices
from poll.polls.editing import PollError, schedule_problem
from poll.polls.embedding import EmbedSiteError, parse_origins
from poll.polls.newsroom_time import local_time, utc_from_local
from poll.polls.side_mapping import (
    no_position_labels,
    side_groups,
    sides_problems,
)
from poll.polls.slugs import SLUG_MAX_LENGTH, has_votes, slug_format_problem, slug_from_title, slug_problem
from poll.web.field_rules import (
    LimitWithoutCutting,
    no_format_characters,
    plain_text,
    single_value,
    strip_whitespace,
)
from poll.web.languages import LANGUAGES

MODERATION_LABELS = {"pre": "Pre-moderation: public once approved", "post": "Post-moderation: public at once"}


VISIBILITY_LABELS = {"after_vote": "After voting", "always": "Always, even before voting"}


@cache
def language_choices() -> list[SelectChoice]:
    """The poll's language, named in English and in itself; "" (kept as None): no language of its own,
    each reader's browser chooses, as before polls had one. Built on first use: Babel's locale data took
    a twelfth of a second of every start of the app (web workers, the CLI, the tagging worker)."""
    names = {"": "Not set: each reader's browser language"} | {
        code: f"{Locale.parse(code).get_display_name('en')} ({Locale.parse(code).get_display_name()})"
        for code in LANGUAGES
    }
    return [SelectChoice(value, label) for value, label in names.items()]


class PollForm(FlaskForm):
    """The poll editor. ``zone``: the newsroom's time zone, in which times are shown and typed;
    ``poll``: the poll being edited (None for a new one), whose choices keep their keys."""

    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[
            DataRequired("Please give a title."),
            LimitWithoutCutting(200, "title"),
            plain_text,
            no_format_characters,
        ],
    )
    slug = StringField(
        "Address (slug)",
        filters=[strip_whitespace],
        validators=[
            single_value,
            LimitWithoutCutting(SLUG_MAX_LENGTH, "address"),
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
            LimitWithoutCutting(500, "question"),
            plain_text,
            no_format_characters,
        ],
    )
    summary = TextAreaField(
        "Summary (blank line between paragraphs)",
        filters=[strip_whitespace],
        validators=[LimitWithoutCutting(5000, "summary"), plain_text, no_format_characters],
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
            LimitWithoutCutting(3000, "choices"),
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
    language = SelectField(
        "Language of the poll's texts",
        default="",
        choices=language_choices,
        description=(
            "The language you write the title, question and choices in: the poll's page, its debate and "
            "its card are shown in it (buttons, dates, messages), unless the address asks for another "
            "with ?lang=."
        ),
        validators=[single_value],
    )

    embed_origins = TextAreaField(
        "Sites that may embed this poll, one per line (besides EMBED_ORIGINS)",
        filters=[strip_whitespace],
        description=(
            "Like https://news.example; https://*.news.example admits its subdomains. "
            "http:// only for a development site on this machine (http://localhost)."
        ),
        validators=[LimitWithoutCutting(2000, "list of sites"), no_format_characters],
    )
    results_note = StringField(
        "Note under the results (blank for none)",
        filters=[strip_whitespace],
        validators=[LimitWithoutCutting(200, "note"), plain_text, no_format_characters],
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
        self.opens_at_utc: datetime | None = None
        self.closes_at_utc: datetime | None = None
        if not self.is_submitted():
            self._fill(poll)
        self.plan = plan_choices(self.choice_labels, poll.choices if poll else ())
        self.side_rows = [
            side_row(choice, self.plan.choices, self._stored(choice.key), self.submitted_data)
            for choice in self.plan.choices
        ]

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs) -> None:
        # Kept for the side rows, which are made once the choices are known.
        self.submitted_data = self.meta.wrap_formdata(self, formdata)
        super().process(self.submitted_data, obj, data, extra_filters, **kwargs)

    def _stored(self, key: str) -> Choice | None:
        return self.poll.choice_by_key(key) if self.poll else None

    def _fill(self, poll: Poll | None) -> None:
        """What an editor starts from: the poll as stored, or a new poll opening now."""
        if poll is None:
            self.opens_at.data = local_time(utcnow(), self.zone).replace(second=0, microsecond=0)
            self.results_note.data = DEFAULT_RESULTS_NOTE
            return
        for name in ("title", "slug", "question", "summary", "moderation_mode", "results_visibility"):
            getattr(self, name).data = getattr(poll, name)
        self.language.data = poll.language or ""
        self.embed_origins.data, self.results_note.data = poll.embed_origins, poll.results_note
        self.choices.data = "\n".join(choice.label for choice in poll.choices)
        self.opens_at.data = local_time(poll.opens_at, self.zone).replace(second=0, microsecond=0)
        if poll.closes_at is not None:
            self.closes_at.data = local_time(poll.closes_at, self.zone).replace(second=0, microsecond=0)

    @property
    def choice_labels(self) -> list[str]:
        text = self.choices.data if isinstance(self.choices.data, str) else ""
        return [line.strip() for line in text.splitlines() if line.strip()]

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
        problem = slug_format_problem(typed) or slug_problem(typed, self.poll)
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
        if self.opens_at_utc is not None:
            problem = schedule_problem(self.opens_at_utc, self.closes_at_utc)
            if problem:
                raise ValidationError(problem)

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
        return mapped_sides(self.side_rows)

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
            "language": self.language.data or None,
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
        return side_groups(self.plan.choices, self.sides, self.headings)

    def no_position_labels(self) -> list[str]:
        """For the preview: the neutral choices whose labels take no position ("Not sure")."""
        return no_position_labels(self.plan.choices, self.sides)
