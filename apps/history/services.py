"""Recording changes: compare a snapshot with the state recorded last time, store one
``Change`` per differing field or row cell, remember the snapshot.

The history knows snapshots, not projects: the caller (apps/projects/history.py) takes
the snapshot and owns the revision the changes are filed under."""

from django.utils import timezone

from apps.history.models import Change, ProjectState
from apps.sheets.diff import Difference, snapshot_diff


def history_has_state(*, project_id: int) -> bool:
    return ProjectState.objects.filter(project_id=project_id).exists()


def history_state_set(*, project_id: int, snapshot: dict) -> None:
    ProjectState.objects.update_or_create(project_id=project_id, defaults={"data": snapshot})


def history_changes_record(
    *, project_id: int, snapshot: dict, revision: int, actor=None, source: str = ""
) -> list[Difference]:
    """Store what differs between ``snapshot`` and the recorded state, under ``revision``.

    A project's first record is its baseline (nothing is stored but the state). Returns
    the differences stored."""
    state = ProjectState.objects.filter(project_id=project_id).first()
    if state is None:
        ProjectState.objects.create(project_id=project_id, data=snapshot)
        return []
    diffs = snapshot_diff(state.data, snapshot)
    if not diffs:
        return []
    now = timezone.now()
    Change.objects.bulk_create(
        Change(
            project_id=project_id,
            actor=actor,
            revision=revision,
            source=source,
            sheet=d.sheet,
            key=d.key[:60],
            label=d.label[:300],
            old=d.old,
            new=d.new,
            created_at=now,
        )
        for d in diffs
    )
    state.data = snapshot
    state.save(update_fields=["data"])
    return diffs
