"""Change history of a project's sheets: who changed what, when, old → new."""

from apps.accounts.models import User
from apps.projects.models import Project


def history_record(*, project: Project, actor: User | None, source: str = "") -> int:
    """Record every change since the last recorded state of ``project``.

    Call it inside the transaction of any write to a project's sheets (sheet saves,
    sub-projects, imports). It compares the project as it now is in the database with the
    state recorded last time and stores one change row per field or row value that
    differs. ``source`` says where the write came from (e.g. "导入"). Returns the number of
    changes recorded.
    """
    return 0  # being written in this session (issue 3)
