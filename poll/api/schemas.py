"""The API's request and response bodies (marshmallow): the same schemas validate what comes in
and describe it in /api/v1/openapi.json. Poll fields are checked by the poll editor's own rules."""

from datetime import UTC, datetime

import marshmallow as ma
from marshmallow import fields, validate

from poll.admin.forms.common import reason_field
from poll.admin.forms.poll_editor import PollForm
from poll.api.field_rules import FormRuleString
from poll.database.column_types import utcnow
from poll.database.models import (
    COMMENT_STATUSES,
    DEFAULT_RESULTS_NOTE,
    MODERATION_MODES,
    MODERATION_PRE,
    RESULTS_AFTER_VOTE,
    RESULTS_VISIBILITY,
)
from poll.debate.moderation import STATUS_ANY, STATUS_OPEN
from poll.polls.choice_plans import CHOICE_LABEL_MAX_LENGTH, MAX_CHOICES, MIN_CHOICES
from poll.polls.editing import language_problem
from poll.polls.embedding import MAX_EMBED_ORIGINS
from poll.polls.slugs import SLUG_MAX_LENGTH, SLUG_PATTERN, slug_format_problem
from poll.web.languages import LANGUAGES

# A choice's label: one line of visible text.
ONE_LINE = (
    "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*\\S[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$"
)
# Paging of the comment list.
DEFAULT_PAGE_SIZE, MOST_PAGE_SIZE = 25, 100


class Strict(ma.Schema):
    """Unknown fields are refused, never ignored: a misspelt field must not pass as saved."""

    class Meta:
        unknown = ma.RAISE


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 time with its offset (or Z), kept in UTC."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            return moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ma.ValidationError("This time is out of range.") from None


def check_language(language: str | None) -> None:
    """The poll editor's rule (poll.polls.editing.language_problem), beside the field."""
    problem = language_problem(language)
    if problem:
        raise ma.ValidationError(problem)


def check_slug(slug: str) -> None:
    problem = slug_format_problem(slug)
    if problem:
        raise ma.ValidationError(problem)


def one_line_each(labels: list[str]) -> None:
    if any(len(label.splitlines()) > 1 for label in labels):
        raise ma.ValidationError("Each choice is one line: remove the line breaks.")


class ChoiceOut(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    position = fields.Integer(required=True)


class PollOut(ma.Schema):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    question = fields.String(required=True)
    summary = fields.String(required=True)
    choices = fields.List(fields.Nested(ChoiceOut), required=True)
    opens_at = fields.AwareDateTime(required=True)
    closes_at = fields.AwareDateTime(required=True, allow_none=True)
    is_open = fields.Method("open_now", required=True, metadata={"type": "boolean"})
    is_featured = fields.Boolean(required=True)
    moderation_mode = fields.String(required=True, metadata={"enum": list(MODERATION_MODES)})
    results_visibility = fields.String(required=True, metadata={"enum": list(RESULTS_VISIBILITY)})
    embed_origins = fields.List(fields.String(), attribute="embed_origin_list", required=True)
    results_note = fields.String(required=True)
    language = fields.String(required=True, allow_none=True, metadata={"enum": [*LANGUAGES, None]})
    created_at = fields.AwareDateTime(required=True)

    def open_now(self, poll) -> bool:
        return poll.is_open(utcnow())


class PollList(ma.Schema):
    polls = fields.List(fields.Nested(PollOut), required=True)


def _poll_fields(creating: bool) -> dict:
    """The writable fields; a new poll needs a title, a question and choices, an edit nothing."""

    def defaulted(value):
        return {"load_default": value} if creating else {}

    return {
        "title": FormRuleString(PollForm.title, required=creating),
        "slug": FormRuleString(
            PollForm.slug,
            validate=check_slug,
            metadata={
                "description": "The poll's address, /polls/<slug>; made from the title when left out",
                "maxLength": SLUG_MAX_LENGTH,
                "pattern": SLUG_PATTERN,
            },
        ),
        "question": FormRuleString(PollForm.question, required=creating),
        "summary": FormRuleString(PollForm.summary, **defaulted("")),
        "choices": fields.List(
            fields.String(
                metadata={"minLength": 1, "maxLength": CHOICE_LABEL_MAX_LENGTH, "pattern": ONE_LINE}
            ),
            required=creating,
            validate=[validate.Length(min=MIN_CHOICES, max=MAX_CHOICES), one_line_each],
            metadata={"description": "The answers readers pick from, in order; keys are made from them"},
        ),
        "opens_at": UtcDateTime(metadata={"description": "Default: now"}),
        "closes_at": UtcDateTime(allow_none=True, **defaulted(None)),
        "moderation_mode": fields.String(
            validate=validate.OneOf(MODERATION_MODES), **defaulted(MODERATION_PRE)
        ),
        "results_visibility": fields.String(
            validate=validate.OneOf(RESULTS_VISIBILITY), **defaulted(RESULTS_AFTER_VOTE)
        ),
        "embed_origins": fields.List(
            fields.String(validate=validate.Length(max=200)),
            validate=validate.Length(max=MAX_EMBED_ORIGINS * 5),
            **defaulted([]),
            metadata={"description": "Sites whose pages may frame the poll, like https://news.example"},
        ),
        "results_note": FormRuleString(PollForm.results_note, **defaulted(DEFAULT_RESULTS_NOTE)),
        "language": fields.String(
            allow_none=True,
            validate=check_language,
            **defaulted(None),
            metadata={
                "description": "The language the poll is written in: its pages and card are drawn in it "
                "unless ?lang= says otherwise; null lets each reader's browser choose",
                "enum": [*LANGUAGES, None],
            },
        ),
    }


PollCreate = Strict.from_dict(_poll_fields(creating=True), name="PollCreate")
PollEdit = Strict.from_dict(
    {
        **_poll_fields(creating=False),
        "rewording_confirmed": fields.Boolean(
            load_default=False,
            metadata={"description": "A choice with votes is reworded and its votes still mean it"},
        ),
    },
    name="PollEdit",
)


class ChoiceResult(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    votes = fields.Integer(required=True)
    percent = fields.Integer(required=True)


class SeriesPointOut(ma.Schema):
    starts_at = fields.AwareDateTime(required=True, metadata={"description": "The hour or day's start, UTC"})
    totals = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        required=True,
        metadata={"description": "Each choice's counted votes at the end of that hour or day"},
    )
    total = fields.Integer(required=True)


class SeriesOut(ma.Schema):
    step = fields.String(
        required=True,
        validate=validate.OneOf(("hour", "day")),
        metadata={"description": "hour while every vote falls within two days, then day"},
    )
    points = fields.List(fields.Nested(SeriesPointOut), required=True)


class ResultsOut(ma.Schema):
    slug = fields.String(required=True)
    results_public = fields.Boolean(
        required=True,
        metadata={
            "description": "Whether readers who have not voted may see these figures now (the poll shows "
            "results before voting, or has closed): a tool that publishes them should wait until it is"
        },
    )
    total = fields.Integer(required=True)
    choices = fields.List(fields.Nested(ChoiceResult), required=True)
    series = fields.Nested(
        SeriesOut,
        required=True,
        metadata={"description": "How the tally moved: the series the poll page's chart draws"},
    )


class CommentTags(ma.Schema):
    stance = fields.String(required=True)
    stance_confidence = fields.Float(required=True)
    sure_stance = fields.String(required=True, allow_none=True)
    corrected_stance = fields.String(required=True, allow_none=True)
    effective_stance = fields.String(required=True)
    sentiment = fields.String(required=True)
    incivility = fields.Float(required=True, allow_none=True)
    uncivil = fields.Boolean(required=True)
    language = fields.String(required=True, allow_none=True)


class CommentOut(ma.Schema):
    id = fields.Integer(required=True)
    poll = fields.String(attribute="poll.slug", required=True, metadata={"description": "The poll's slug"})
    parent_id = fields.Integer(required=True, allow_none=True)
    display_name = fields.String(required=True)
    body = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(COMMENT_STATUSES)})
    created_at = fields.AwareDateTime(required=True)
    moderated_at = fields.AwareDateTime(required=True, allow_none=True)
    decision_reason = fields.String(required=True)
    flags = fields.List(fields.String(), attribute="flag_names", required=True)
    tags = fields.Nested(CommentTags, required=True, metadata={"description": "What the tagger found"})

    def get_attribute(self, obj, attr, default):
        if attr == "tags":  # the tags are the comment's own columns
            return obj
        return super().get_attribute(obj, attr, default)


class CommentPage(ma.Schema):
    comments = fields.List(fields.Nested(CommentOut), required=True)
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "Give it as ?cursor= for the next page"}
    )


class CommentFilters(ma.Schema):
    """The moderation queue's filters, and a cursor: newest comments first."""

    poll = fields.String(
        validate=validate.Length(max=SLUG_MAX_LENGTH), metadata={"description": "A poll's slug"}
    )
    status = fields.String(
        load_default=STATUS_OPEN,
        validate=validate.OneOf([STATUS_OPEN, STATUS_ANY, *COMMENT_STATUSES]),
        metadata={"description": "open (pending or flagged, the default), any, or one status"},
    )
    stance = fields.String(validate=validate.Length(max=40))
    sentiment = fields.String(validate=validate.Length(max=20))
    flag = fields.String(validate=validate.Length(max=40))
    text = fields.String(validate=validate.Length(max=200), metadata={"description": "In the body or name"})
    cursor = fields.String(validate=validate.Length(max=100))
    limit = fields.Integer(load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(1, MOST_PAGE_SIZE))


class ModerationReason(Strict):
    reason = FormRuleString(
        reason_field("Please give a reason."),
        optional=True,
        load_default="",
        metadata={"description": "Required to reject (its author is shown it); kept in the audit log"},
    )
