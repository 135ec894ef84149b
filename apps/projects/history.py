"""A project's writes in its history: the snapshot taken after each write, and the
revision that goes up when something changed (the token that refuses stale saves)."""

from django.db.models import F

from apps.history.services import (
    history_changes_record,
    history_has_state,
    history_state_set,
)
from apps.projects.models import Project
from apps.sheets.snapshot import project_snapshot


def project_for_snapshot(pk: int) -> Project:
    """The project with everything its snapshot reads, in a fixed number of queries."""
    return (
        Project.objects.select_related("budget_year")
        .prefetch_related(
            "sub_projects", "indicators__level2__level1", "budget_lines", "rule_documents"
        )
        .get(pk=pk)
    )


def history_baseline(*, project: Project) -> None:
    """Make sure the project has a recorded state before a write changes it (projects
    created before the history existed), so that the write's changes are recorded."""
    if not history_has_state(project_id=project.pk):
        history_state_set(
            project_id=project.pk, snapshot=project_snapshot(project_for_snapshot(project.pk))
        )


def history_record(*, project: Project, actor=None, source: str = "") -> int:
    """Record every change since the last recorded state of ``project``.

    Call it inside the transaction of any write to a project's sheets (sheet saves,
    sub-projects, imports), after the write. When something changed, the project's
    revision goes up by one. ``source`` says where the write came from (e.g. "导入").
    Returns the number of changes recorded."""
    fresh = project_for_snapshot(project.pk)
    revision = fresh.revision + 1
    diffs = history_changes_record(
        project_id=fresh.pk,
        snapshot=project_snapshot(fresh),
        revision=revision,
        actor=actor,
        source=source,
    )
    if diffs:
        Project.objects.filter(pk=fresh.pk).update(revision=F("revision") + 1)
        project.revision = revision
    return len(diffs)
