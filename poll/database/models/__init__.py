"""The database models, by feature. Importing this package registers every model (relationships
name models of other modules), so ``from poll.database.models import Poll, Comment`` is the way in."""

from poll.database.models.accounts import *  # noqa: F403
from poll.database.models.alerts import *  # noqa: F403
from poll.database.models.comments import *  # noqa: F403
from poll.database.models.looks import *  # noqa: F403
from poll.database.models.polls import *  # noqa: F403
