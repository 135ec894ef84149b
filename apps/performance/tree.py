"""The approved indicator tree a self-evaluation is filled on, and its findings.

The tree is read from the approved ``ProjectVersion`` (its JSON, through
``apps.reviews.frozen``), never from the live rows, which an adjustment may be changing.
Findings reuse the filing checks' ``Finding`` type, so they print the same way.
"""

from dataclasses import dataclass
from decimal import Decimal

from apps.budgets.models import FormVersion
from apps.checks.findings import Finding, Severity, Sheet
from apps.exports.layout import level_names, level_rank, tagged
from apps.performance import scoring
from apps.performance.models import ScoringSettings
from apps.reviews.frozen import frozen_project
from apps.reviews.models import ProjectVersion


@dataclass
class TreeEntry:
    id: int
    level1: str
    level2: str
    name: str
    target_text: str  # 年度指标值 as approved
    target: scoring.Target
    row: dict  # the version's JSON row


def approved_version(project) -> ProjectVersion | None:
    """The project's last approved version (an adjustment under way leaves it in place)."""
    return (
        ProjectVersion.objects.filter(project=project, approved_at__isnull=False)
        .order_by("-number")
        .first()
    )


def settings_for(version: ProjectVersion) -> scoring.Settings:
    return ScoringSettings.for_code((version.data or {}).get("version", ""))


def evaluation_tree(version: ProjectVersion) -> list[TreeEntry]:
    """The approved indicators in printed order (by level 1, level 2, then as filed)."""
    rows = {r.get("id"): r for r in (version.data or {}).get("indicators", [])}
    frozen = sorted(frozen_project(version).indicators.all(), key=level_rank)
    entries = []
    for ind in frozen:
        row = rows[ind.pk]
        level1, level2 = level_names(ind)
        row = {**row, "level1_name": level1}
        target = scoring.target_of(row)
        text = target.text or (row.get("target_raw") or "")
        entries.append(
            TreeEntry(ind.pk, level1, level2, tagged(ind.name, ind.sub_project), text, target, row)
        )
    return entries


def weights_note(version: ProjectVersion) -> str:
    """Where the 分值 come from, said on the page."""
    fv = FormVersion.for_code((version.data or {}).get("version", ""))
    rows = (version.data or {}).get("indicators", [])
    if rows and all(r.get("weight") is not None for r in rows):
        return "分值取自批复的申报表（按指标分值合计折算）。"
    if fv.weights_total:
        return f"申报表未填分值：按一级指标默认分值平均分配（合计 {fv.weights_total}）。"
    return "申报表未填分值：按一级指标默认分值平均分配。"


def _f(code, severity, sheet, anchor, where, message) -> Finding:
    return Finding(code, severity, sheet, anchor, where, message)


E, W = Severity.ERROR, Severity.WARNING
TOTALS = {"initial": "budget_initial", "full": "budget_full", "executed": "executed"}


def evaluation_findings(tree, reported, amounts: dict, result: scoring.Result) -> list[Finding]:
    """Errors block the submission; a score below its 分值 needs a 偏差原因."""
    out = []
    labels = {"budget_initial": "年初预算数", "budget_full": "全年预算数", "executed": "全年执行数"}
    for name, label in labels.items():
        if amounts.get(name) is None:
            out.append(
                _f(
                    "EV_AMOUNT_BLANK",
                    E,
                    Sheet.OVERVIEW,
                    name,
                    f"资金 · {label}",
                    f"请填写{label}。",
                )
            )
    if amounts.get("budget_full") == Decimal("0"):
        out.append(_f("EV_BUDGET_ZERO", E, Sheet.OVERVIEW, "budget_full", "资金 · 全年预算数",
                      "全年预算数为 0，无法计算执行率。"))  # fmt: skip
    for column, label in (
        ("initial", "年初预算数"),
        ("full", "全年预算数"),
        ("executed", "全年执行数"),
    ):
        parts = [amounts.get(f"{row}_{column}") for row in ("fiscal", "carry", "other")]
        total = amounts.get(TOTALS[column])
        if total is not None and any(p is not None for p in parts):
            summed = sum((p for p in parts if p is not None), Decimal("0"))
            if summed != total:
                out.append(_f("EV_FUNDING_SUM", W, Sheet.OVERVIEW, TOTALS[column], f"资金 · {label}",
                              f"本年财政拨款、上年结转资金、其他资金之和 {summed:,.2f} 与年度资金总额 {total:,.2f} 不符。"))  # fmt: skip
    if not (amounts.get("actual_goal") or "").strip():
        out.append(_f("EV_GOAL_BLANK", E, Sheet.OVERVIEW, "actual_goal", "年度总体目标",
                      "请填写年度总体目标的实际完成情况。"))  # fmt: skip
    scores = result.by_id()
    for n, entry in enumerate(tree, start=1):
        s, typed = scores[entry.id], reported.get(entry.id, {})
        where = f"第 {n} 行 · {entry.name or '（未命名）'}"
        anchor = (
            f"r{entry.id}-{'level' if entry.target.direction == scoring.QUALITATIVE else 'actual'}"
        )
        if s.problem == "missing":
            what = "完成等级" if entry.target.direction == scoring.QUALITATIVE else "实际完成值"
            out.append(_f("EV_ACTUAL_BLANK", E, Sheet.GOALS, anchor, where, f"请填写{what}。"))
        elif s.problem == "unreadable":
            out.append(_f("EV_ACTUAL_NOT_NUMBER", E, Sheet.GOALS, anchor, where,
                          f"实际完成值须为数值（年度指标值为“{entry.target_text}”）。"))  # fmt: skip
        elif s.problem == "target":
            out.append(_f("EV_TARGET_UNSCORABLE", W, Sheet.GOALS, anchor, where,
                          "批复的指标值不是数值，无法计分，本项得 0 分；请在偏差原因中说明。"))  # fmt: skip
        if s.below_weight and s.problem != "missing" and not typed.get("reason", "").strip():
            out.append(_f("EV_REASON_MISSING", E, Sheet.GOALS, f"r{entry.id}-reason", where,
                          f"得分 {s.score} 低于分值 {s.weight}，须填写偏差原因。"))  # fmt: skip
    return out


def compute(tree, reported: dict[int, dict], amounts: dict, settings: scoring.Settings):
    """Scores and findings of what was typed (``reported``: per id actual/level/reason)."""
    result = scoring.evaluate(
        [e.row for e in tree],
        {
            pk: scoring.Reported(r.get("actual", ""), r.get("level", ""))
            for pk, r in reported.items()
        },
        full_budget=amounts.get("budget_full"),
        executed=amounts.get("executed"),
        settings=settings,
    )
    return result, evaluation_findings(tree, reported, amounts, result)
