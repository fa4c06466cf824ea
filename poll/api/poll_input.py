"""A poll as the API is sent it, turned into what ``poll.polls.editing`` takes, with the editor's rules
for what only the stored polls can say (a taken address, choices that have votes) and the reasons
beside the API's field names."""

from flask_smorest import abort

from poll.admin.forms.poll_editor import PollForm
from poll.api.field_rules import form_field_check
from poll.database.column_types import utcnow
from poll.database.models import Poll
from poll.polls.choice_plans import choices_problem, plan_choices
from poll.polls.editing import EDITABLE_FIELDS, PollError
from poll.polls.embedding import EmbedSiteError, parse_origins
from poll.polls.slugs import slug_from_title, slug_problem

# The editor's fields the API leaves as they are stored when an edit does not name them (the sites that
# may frame the poll are read from their own list form below).
KEPT_ON_EDIT = tuple(name for name in EDITABLE_FIELDS if name != "embed_origins")


def refuse(field: str, message: str, status: int = 422):
    abort(status, message=message, errors={field: [message]})


def _choices(labels: list[str], poll: Poll | None, rewording_confirmed: bool) -> list[tuple[str, str]]:
    labels = [label.strip() for label in labels]
    _, messages = form_field_check(PollForm.choices, "\n".join(labels))
    if any(not label for label in labels):
        messages.append("A choice cannot be empty.")
    if messages:
        abort(422, message=messages[0], errors={"choices": messages})
    plan = plan_choices(labels, poll.choices if poll else ())
    problem = choices_problem(plan, rewording_confirmed=rewording_confirmed)
    if problem:
        refuse("choices", problem)
    return [(choice.key, choice.label) for choice in plan.choices]


def _embed_origins(origins: list[str]) -> str:
    text = "\n".join(origins)
    _, messages = form_field_check(PollForm.embed_origins, text)
    if messages:
        abort(422, message=messages[0], errors={"embed_origins": messages})
    try:
        return "\n".join(parse_origins(text))
    except EmbedSiteError as error:
        refuse("embed_origins", str(error))
        raise


def _check_slug(slug: str, poll: Poll | None) -> None:
    problem = slug_problem(slug, poll)
    if problem:
        refuse("slug", problem, status=409)


def new_poll(data: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The fields and choices of a new poll from the checked body."""
    slug = data.get("slug") or slug_from_title(data["title"])
    _check_slug(slug, None)
    fields = {name: data[name] for name in KEPT_ON_EDIT if name in data}
    fields["slug"] = slug
    fields["opens_at"] = data.get("opens_at") or utcnow()
    fields["embed_origins"] = _embed_origins(data.get("embed_origins", []))
    return fields, _choices(data["choices"], None, rewording_confirmed=False)


def edited_poll(poll: Poll, data: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The stored poll with what the body changes."""
    fields = {name: data.get(name, getattr(poll, name)) for name in KEPT_ON_EDIT}
    if "slug" in data:
        _check_slug(data["slug"], poll)
    fields["embed_origins"] = (
        _embed_origins(data["embed_origins"]) if "embed_origins" in data else poll.embed_origins
    )
    labels = data.get("choices", [choice.label for choice in poll.choices])
    return fields, _choices(labels, poll, data.get("rewording_confirmed", False))


def refused_poll_change(error: PollError):
    """A service's refusal, beside its field: a clash with the poll's state is 409, the rest 422."""
    status = 409 if error.status == 409 else 422
    abort(status, message=str(error), errors={error.field: [str(error)]} if error.field else {})
