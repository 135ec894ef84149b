"""Writes of the self-evaluation: start, save, and the report workflow's transitions.

Each write locks the evaluation row and re-checks who may do it in the state the row is
in *now*; scores and the error count are recomputed and stored on every save."""

from django.db import transaction

from apps.accounts.models import User
from apps.performance import reports
from apps.performance.models import (
    AMOUNT_FIELDS,
    EvaluationEvent,
    EvaluationRow,
    SelfEvaluation,
)
from apps.performance.permissions import can_start
from apps.performance.reports import ReportRefused
from apps.performance.tree import approved_version, compute, evaluation_tree, settings_for
from apps.projects.models import Project
from apps.sheets.values import from_json

AMOUNTS = AMOUNT_FIELDS


def _lock(evaluation: SelfEvaluation) -> SelfEvaluation:
    return (
        SelfEvaluation.objects.select_for_update(of=("self",))
        .select_related("project__unit", "version")
        .get(pk=evaluation.pk)
    )


@transaction.atomic
def evaluation_start(*, project: Project, actor: User) -> SelfEvaluation:
    """Open the self-evaluation of an approved project, on its approved indicator tree;
    the funding block starts from the approved 当年预算."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    version = approved_version(project)
    allowed, reason = can_start(actor, project, version)
    if not allowed:
        raise ReportRefused(reason)
    budget = from_json("money", (version.data or {}).get("fields", {}).get("current_budget"))
    fields = (version.data or {}).get("fields", {})
    fiscal = from_json("money", fields.get("fiscal_total"))
    other = from_json("money", fields.get("other_funds"))
    evaluation = SelfEvaluation.objects.create(
        project=project,
        version=version,
        budget_initial=budget,
        budget_full=budget,
        fiscal_initial=fiscal,
        fiscal_full=fiscal,
        other_initial=other,
        other_full=other,
        created_by=actor,
    )
    tree = evaluation_tree(version)
    EvaluationRow.objects.bulk_create(
        EvaluationRow(evaluation=evaluation, indicator_id=e.id) for e in tree
    )
    _store_scores(evaluation, tree, {e.id: {} for e in tree})
    return evaluation


def _amounts(evaluation: SelfEvaluation) -> dict:
    out = {name: getattr(evaluation, name) for name in AMOUNTS}
    out["actual_goal"] = evaluation.actual_goal
    return out


def _store_scores(evaluation: SelfEvaluation, tree, reported: dict) -> None:
    result, findings = compute(
        tree, reported, _amounts(evaluation), settings_for(evaluation.version)
    )
    evaluation.total_score = result.total
    evaluation.budget_score = result.budget.score
    evaluation.grade = result.grade
    evaluation.error_count = sum(1 for f in findings if f.is_error)
    evaluation.save(
        update_fields=["total_score", "budget_score", "grade", "error_count", "updated_at"]
    )
    scores = result.by_id()
    rows = list(evaluation.rows.all())
    for row in rows:
        s = scores.get(row.indicator_id)
        if s is not None:
            row.weight, row.score = s.weight, s.score
    EvaluationRow.objects.bulk_update(rows, ["weight", "score"])


@transaction.atomic
def evaluation_save(
    *,
    evaluation: SelfEvaluation,
    actor: User,
    amounts: dict,
    reported: dict[int, dict],
    revision: int | None = None,
) -> SelfEvaluation:
    """Save what the unit typed (already validated by the form) and rescore; refused if
    the page was read at an older ``revision`` — unless the evaluation already holds
    exactly what was sent (the second post of a double click)."""
    evaluation = _lock(evaluation)
    allowed, reason = reports.can_edit(actor, evaluation)
    if not allowed:
        raise ReportRefused(reason)
    stale = revision is not None and revision != evaluation.revision
    if stale and _holds(evaluation, amounts, reported):
        return evaluation  # already stored as sent (a double click on 保存): nothing to do
    reports.check_revision(evaluation, revision)
    for name in (*AMOUNTS, "actual_goal"):
        if name in amounts:  # a field not given keeps what is stored
            setattr(evaluation, name, amounts[name])
    evaluation.revision += 1
    evaluation.save()
    rows = {r.indicator_id: r for r in evaluation.rows.all()}
    tree = evaluation_tree(evaluation.version)
    changed = []
    for entry in tree:
        typed = reported.get(entry.id, {})
        row = rows.get(entry.id)
        if row is None:  # not expected: rows are made at the start
            row = EvaluationRow.objects.create(evaluation=evaluation, indicator_id=entry.id)
            rows[entry.id] = row
        for key in ROW_KEYS:
            setattr(row, key, typed.get(key, ""))
        changed.append(row)
    EvaluationRow.objects.bulk_update(changed, list(ROW_KEYS))
    _store_scores(evaluation, tree, reported)
    return evaluation


ROW_KEYS = ("actual", "level", "reason", "measures")


def _holds(evaluation: SelfEvaluation, amounts: dict, reported: dict[int, dict]) -> bool:
    """Whether the evaluation stores exactly what a save would write."""
    if any(getattr(evaluation, name) != value for name, value in amounts.items()):
        return False
    rows = {r.indicator_id: r for r in evaluation.rows.all()}
    return all(
        (row := rows.get(entry.id)) is not None
        and all(getattr(row, k) == reported.get(entry.id, {}).get(k, "") for k in ROW_KEYS)
        for entry in evaluation_tree(evaluation.version)
    )


def _reported_from_rows(evaluation: SelfEvaluation) -> dict[int, dict]:
    return {
        r.indicator_id: {"actual": r.actual, "level": r.level, "reason": r.reason}
        for r in evaluation.rows.all()
    }


@transaction.atomic
def evaluation_act(
    *,
    evaluation: SelfEvaluation,
    actor: User,
    action: str,
    reason: str = "",
    seen: int | None = None,
) -> SelfEvaluation:
    """Submit, pass, return or accept, by the transition table (``reports.TRANSITIONS``).
    A submission is refused while errors remain (recomputed under the lock); a return
    needs a reason."""
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise ReportRefused("退回必须填写理由。")
    evaluation = _lock(evaluation)
    allowed, refusal = reports.can(action, actor, evaluation)
    if not allowed:
        raise ReportRefused(refusal)
    reports.check_seen(evaluation, seen)
    if action == "submit":
        tree = evaluation_tree(evaluation.version)
        _, findings = compute(
            tree,
            _reported_from_rows(evaluation),
            _amounts(evaluation),
            settings_for(evaluation.version),
        )
        errors = [f for f in findings if f.is_error]
        if errors:
            raise ReportRefused(f"自评还有 {len(errors)} 处错误，改正后才能提交。", errors)
    return reports.transition(
        evaluation,
        actor=actor,
        action=action,
        reason=reason,
        event_model=EvaluationEvent,
        what="绩效自评",
        fk="evaluation",
    )
