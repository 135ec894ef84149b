"""固化指标: indicators the finance bureau or a department mandates for a kind of project.

A mandated indicator must be present under its 二级指标 (matched by its 三级指标 name), with
a 目标值 no weaker than the mandated one (最低要求) or equal to it (固定值, or whenever the
filler may not edit it); a mandated 分值 must be kept where the form has 分值."""

from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.snapshot import Filing
from apps.indicators.targets import parse_target

E = Severity.ERROR
STRONGER = {"≥": (">", "≥", "="), ">": (">", "="), "≤": ("<", "≤", "="), "<": ("<", "=")}


def _target(row, version: str) -> str:
    from apps.checks.rules import target_of

    return target_of(row, version)


def weaker(required: str, given: str) -> bool:
    """Whether target ``given`` asks less than the minimum ``required`` (≥90% → ≥85%)."""
    need, got = parse_target(required), parse_target(given)
    if need.kind != "quantitative":
        return need.normalised != got.normalised
    if got.kind != "quantitative" or (need.unit or "") != (got.unit or ""):
        return True
    comparator = need.comparator or "="
    got_comparator = got.comparator or "="
    if comparator == "=":
        return got.number != need.number
    if got_comparator not in STRONGER[comparator]:
        return True
    if comparator in ("≥", ">"):
        return got.number < need.number
    return got.number > need.number


def _same(required: str, given: str) -> bool:
    need, got = parse_target(required), parse_target(given)
    return need.normalised == got.normalised


def check_mandated(filing: Filing) -> list[Finding]:
    out: list[Finding] = []
    category = filing.get("category")
    level2s = filing.taxonomy.level2_by_id()
    for spec in filing.mandated:
        if spec.category and spec.category != (category or ""):
            continue
        label = (
            "/".join(n.name for n in level2s[spec.level2_id]) if spec.level2_id in level2s else ""
        )
        rows = [(i, r) for i, r in enumerate(filing.indicators) if r.name.strip() == spec.name]
        placed = [(i, r) for i, r in rows if r.level2_id == spec.level2_id]
        if not placed:
            where = f"（现在第 {rows[0][0] + 1} 行，应放在“{label}”下）" if rows else ""
            out.append(
                Finding(
                    "M_MISSING",
                    E,
                    Sheet.GOALS,
                    f"{rows[0][1].key}-level2" if rows else "indicators",
                    "绩效目标 · 固化指标",
                    f"缺少{spec.set_by}设定的固化指标“{label} · {spec.name}”（指标值 {spec.target}）{where}。",
                )
            )
            continue
        i, row = placed[0]
        given = _target(row, filing.version)
        field = "target_value" if row.nature or row.target_value else "target_raw"
        if filing.version != "national-2021":
            field = "target_raw"
        exact = spec.mode == "fixed" or not spec.editable
        if (exact and not _same(spec.target, given)) or (not exact and weaker(spec.target, given)):
            need = "应为" if exact else "不得低于"
            out.append(
                Finding(
                    "M_WEAKENED",
                    E,
                    Sheet.GOALS,
                    f"{row.key}-{field}",
                    f"绩效目标 · 第 {i + 1} 行 · 指标值",
                    f"固化指标“{spec.name}”的指标值{need}“{spec.target}”（{spec.set_by}设定），现为“{given or '空'}”。",
                )
            )
        if (
            filing.version == "national-2021"
            and spec.weight is not None
            and row.weight != spec.weight
        ):
            out.append(
                Finding(
                    "M_WEIGHT",
                    E,
                    Sheet.GOALS,
                    f"{row.key}-weight",
                    f"绩效目标 · 第 {i + 1} 行 · 分值",
                    f"固化指标“{spec.name}”的分值应为 {spec.weight.normalize():f}（{spec.set_by}设定）。",
                )
            )
    return out
