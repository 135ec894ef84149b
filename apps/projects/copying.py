"""Copy a project into a new draft: 复制上年 (into a later budget year) and 复制为新项目
(within the same year, under a new name).

The copy reads the source through the one snapshot (apps/sheets/snapshot.py) and writes
the new rows through the one row writer (apps/projects/rows.py), so every declared field
and column travels, of every form version. What is deliberately not copied is listed
here (``ALWAYS_CLEARED``, ``AMOUNT_FIELDS``/``LINE_AMOUNT_COLUMNS`` when the filler
chooses to clear amounts). The new year's taxonomy and form version apply:

* an indicator whose 一级/二级 names are in the new taxonomy is placed there by name
  (spacing and full-width forms aside; failing that, the names with their 目标/指标
  suffix set aside, where that names one level only — an interpretation, listed);
  one that does not fit keeps its typed names (``level2=None``, as an import keeps an
  unknown level, with the I_LEVEL_UNKNOWN finding) for the filler to place;
* 2018 → 2021: 指标性质, 指标值 and 度量单位 are derived from the parsed 目标值 where that
  is unambiguous; what is not (no comparator, a typo read as a sign, 分值 …) is listed
  as the system's interpretation (系统的解读). 2021 → 2018: the 目标值 the 2021 row
  composed is the 2018 目标值; the 2021 columns are kept (not shown).

Into a later year, a 起始/结束日期 period inside the source's year moves to the same days
of the new year (said on the result page); a longer period is kept as typed.

The source is read as last saved (for an approved, frozen project that is its approved
content; for one being adjusted, the adjustment as saved so far)."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from django.db import IntegrityError, transaction

from apps.budgets.models import BudgetYear
from apps.indicators.models import Indicator, Level2
from apps.indicators.targets import parse_target
from apps.projects.history import history_baseline, project_for_snapshot
from apps.projects.models import FUNDING_FIELDS, Project, SubProject
from apps.projects.permissions import can_copy
from apps.projects.rows import rows_sync
from apps.projects.services import WriteRefused, mandated_rows_add, project_refresh_findings
from apps.sheets import schema
from apps.sheets.snapshot import project_snapshot
from apps.sheets.values import from_json

# Not carried into a new draft whatever the choice: the date the source was filed, and
# where its 金额合计 came from (an original sheet's printed total belongs to that sheet;
# the new draft's total is computed from its lines).
ALWAYS_CLEARED = {"filing_date": None, "total_source": "computed", "declared_total": None}
# The amounts the filler may choose to clear: the seven 项目资金 figures and each budget
# line's 明细金额 and 单价 (数量 and the 依据 texts stay: they describe the work).
AMOUNT_FIELDS = tuple(FUNDING_FIELDS)
LINE_AMOUNT_COLUMNS = tuple(c.name for c in schema.LINES.columns if c.kind == "money")
SOURCE_YEAR = "复制上年"
SOURCE_SAME_YEAR = "复制为新项目"

NATURE_BY_COMPARATOR = {"≥": "positive", "≤": "negative", "=": "equal"}
LOOSE_COMPARATOR = {">": ("positive", "大于", "≥"), "<": ("negative", "小于", "≤")}
COLUMNS_2021_ONLY = "分值、指标解释、指标值设定依据、评(扣)分标准、数据来源"


class CopyRefused(WriteRefused):
    """The copy cannot be made; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass
class Interpretation:
    """What the copy had to read for one indicator row (系统的解读)."""

    position: int  # the row's place in the new project's indicator list (0-based)
    name: str
    notes: list[str]


@dataclass
class CopyResult:
    project: Project
    source: Project
    misfits: list[Indicator] = field(default_factory=list)
    interpretations: list[Interpretation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mandated_added: int = 0  # the new year's 固化指标 added to the copy


def _key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name or ""))


def _loose(name: str) -> str:
    return re.sub(r"(目标|指标)$", "", _key(name))


class LevelIndex:
    """The 二级目标 of a taxonomy by their names, for placing rows by name."""

    def __init__(self, taxonomy):
        level2s = Level2.objects.filter(level1__taxonomy=taxonomy).select_related("level1")
        self.exact, loose = {}, {}
        for l2 in level2s:
            self.exact[(_key(l2.level1.name), _key(l2.name))] = l2
            loose.setdefault((_loose(l2.level1.name), _loose(l2.name)), []).append(l2)
        self.loose = {k: v[0] for k, v in loose.items() if len(v) == 1}

    def place(self, level1: str, level2: str) -> tuple[Level2 | None, str]:
        """The level of the taxonomy these names mean, and a note if it was read loosely."""
        found = self.exact.get((_key(level1), _key(level2)))
        if found is not None:
            return found, ""
        found = self.loose.get((_loose(level1), _loose(level2)))
        if found is not None:
            return found, (
                f"“{level1} · {level2}”归入新年度指标体系的“{found.level1.name} · {found.name}”"
                "（名称仅差“目标/指标”字样）。"
            )
        return None, ""


def derive_2021(row: dict) -> list[str]:
    """Fill 指标性质 / 指标值 / 度量单位 of a 2018 row from its 目标值, in place, where
    unambiguous; return what had to be interpreted or could not be derived."""
    if row.get("nature") or row.get("target_value") or row.get("measure_unit"):
        return []  # the row already has the 2021 columns (kept from an earlier version)
    raw = (row.get("target_raw") or "").strip()
    parsed = parse_target(raw)
    notes = []
    if parsed.kind == "blank":
        return ["目标值为空，指标性质和指标值未能填写。"]
    if parsed.kind == "qualitative":
        row.update(nature="qualitative", target_value=raw, measure_unit="")
        return []
    if parsed.kind == "invalid":
        row.update(target_value=raw)
        return [f"目标值“{raw}”无法解析：已原样放入指标值，请选择指标性质并改正指标值。"]
    row.update(target_value=parsed.number_text, measure_unit=parsed.unit)
    comparator = parsed.comparator
    if comparator in NATURE_BY_COMPARATOR:
        row["nature"] = NATURE_BY_COMPARATOR[comparator]
        if parsed.normalised_from:
            notes.append(
                f"目标值“{raw}”按“{parsed.normalised}”理解，指标性质定为"
                f"“{Indicator.Nature(row['nature']).label}”。"
            )
    elif comparator in LOOSE_COMPARATOR:
        nature, word, sign = LOOSE_COMPARATOR[comparator]
        row["nature"] = nature
        notes.append(
            f"目标值“{raw}”是“{word}”，2021 年格式只有{Indicator.Nature(nature).label}"
            f"（{sign}），已按{Indicator.Nature(nature).label}填写，请核对。"
        )
    else:
        notes.append(
            f"目标值“{raw}”没有比较符号（=、≥、≤），指标性质未能确定：指标值 "
            f"{parsed.number_text}、度量单位“{parsed.unit}”已填，请选择指标性质。"
        )
    return notes


def _taken(unit, year: BudgetYear, name: str) -> bool:
    return Project.objects.filter(unit=unit, budget_year=year, name=name).exists()


def copy_check(*, source: Project, year: BudgetYear, actor, name: str) -> str:
    """Refuse a copy that cannot be made (CopyRefused); the new project's name."""
    allowed, reason = can_copy(actor, source)
    if not allowed:
        raise CopyRefused(reason)
    if year.year < source.budget_year.year:
        raise CopyRefused(
            f"只能复制到 {source.budget_year.year} 年或以后的年度。", field="budget_year"
        )
    name = (name or "").strip()
    if not name:
        raise CopyRefused("请填写新项目的名称。", field="name")
    if len(name) > Project._meta.get_field("name").max_length:
        raise CopyRefused("项目名称太长（最多 200 个字）。", field="name")
    if _taken(source.unit, year, name):
        raise CopyRefused("本单位该年度已有同名项目。", field="name")
    return name


def _in_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without it
        return day.replace(year=day.year + years, day=28)


def copy_dates(snapshot: dict, source_year: int, target_year: int) -> tuple:
    """起始日期 and 结束日期 of the copy, and a note: a period inside the source's budget
    year moves to the same days of the new year; any other period is kept as typed (a
    multi-year project's dates are its own), with a note if it misses the new year."""
    start, end = (from_json("date", snapshot["fields"].get(k)) for k in ("start_date", "end_date"))
    years = target_year - source_year
    if not years or not (start or end):
        return start, end, ""
    typed = f"{start or '（未填）'} 至 {end or '（未填）'}"
    if all(d is None or d.year == source_year for d in (start, end)):
        start, end = (None if d is None else _in_year(d, years) for d in (start, end))
        moved = f"{start or '（未填）'} 至 {end or '（未填）'}"
        return (
            start,
            end,
            f"起止日期 {typed} 在 {source_year} 年内，已移到 {target_year} 年：{moved}。",
        )
    covers = (start is None or start.year <= target_year) and (
        end is None or end.year >= target_year
    )
    note = "" if covers else f"起止日期 {typed} 照原样复制，不包含 {target_year} 年，请核对。"
    return start, end, note


def _fields(snapshot: dict, keep_amounts: bool, name: str, dates: tuple) -> dict:
    values = {i.name: from_json(i.kind, snapshot["fields"].get(i.name)) for i in schema.fields()}
    values.update(ALWAYS_CLEARED, name=name, start_date=dates[0], end_date=dates[1])
    if not keep_amounts:
        values.update(dict.fromkeys(AMOUNT_FIELDS))
    return values


def copy_indicator_rows(snapshot: dict, target: BudgetYear) -> tuple[list, list, list]:
    """The source's indicator rows as the new year takes them (placed by name, the 2021
    columns derived), what had to be interpreted per row, and the levels placed by a
    loose reading of their names (once per level). Writes nothing: the result page reads
    the same interpretations again."""
    index = LevelIndex(target.taxonomy)
    to_2021 = (
        target.form_version == schema.NATIONAL_2021 and snapshot["version"] != schema.NATIONAL_2021
    )
    rows, interpretations, placed = [], [], {}
    for position, source_row in enumerate(snapshot["indicators"]):
        row = {**source_row, "id": None}
        level2, note = index.place(row["level1_name"], row["level2_name"])
        row["level2"] = level2.id if level2 else None
        if note:
            placed.setdefault(note, None)
        notes = derive_2021(row) if to_2021 else []
        if notes:
            interpretations.append(Interpretation(position, row["name"], notes))
        rows.append(row)
    return rows, interpretations, list(placed)


def version_notes(snapshot: dict, target: BudgetYear) -> list[str]:
    before, after = snapshot["version"], target.form_version
    if before == after:
        return []
    labels = schema.VERSION_LABELS
    if after == schema.NATIONAL_2021:
        return [
            f"原项目是“{labels[before]}”，{target.year} 年使用“{labels[after]}”："
            f"{COLUMNS_2021_ONLY}在原表中没有，复制后为空，请补填。"
        ]
    return [
        f"原项目是“{labels[before]}”，{target.year} 年使用“{labels[after]}”：指标性质、"
        f"{COLUMNS_2021_ONLY}等列在本年度格式中不显示，已原样保留；目标值取原表的组合值。"
    ]


@transaction.atomic
def project_copy(
    *, source: Project, year: BudgetYear, actor, keep_amounts: bool, name: str
) -> CopyResult:
    """Make a new draft of ``source``'s unit in ``year`` with all three sheets, its
    sub-projects and rule documents; amounts kept or cleared (``keep_amounts``). Raises
    CopyRefused (nothing written) when the user may not copy it or the name is taken."""
    name = copy_check(source=source, year=year, actor=actor, name=name)
    source = project_for_snapshot(source.pk)
    snapshot = project_snapshot(source)
    year = BudgetYear.objects.select_related("taxonomy").get(pk=year.pk)
    *dates, date_note = copy_dates(snapshot, source.budget_year.year, year.year)
    fields = _fields(snapshot, keep_amounts, name, dates)
    try:
        with transaction.atomic():
            project = Project.objects.create(unit_id=source.unit_id, budget_year=year, **fields)
    except IntegrityError as exc:  # the same name was taken after the check above
        raise CopyRefused("本单位该年度已有同名项目。", field="name") from exc
    rows, interpretations, placed = copy_indicator_rows(snapshot, year)
    result = CopyResult(
        project=project,
        source=source,
        interpretations=interpretations,
        notes=[n for n in (date_note, *version_notes(snapshot, year), *placed) if n],
    )
    subs = {
        row["name"]: SubProject.objects.create(project=project, name=row["name"], order=i)
        for i, row in enumerate(snapshot["sub_projects"])
    }
    indicators = rows_sync(
        project=project,
        table=schema.INDICATORS,
        rows=rows,
        subs=subs,
    )
    for new, source_row in zip(indicators, snapshot["indicators"], strict=True):
        new.copied_from_id = source_row["id"]
    Indicator.objects.bulk_update(indicators, ["copied_from"])
    result.misfits = [i for i in indicators if i.level2_id is None]
    lines = [{**row, "id": None} for row in snapshot["lines"]]
    if not keep_amounts:
        for row in lines:
            row.update(dict.fromkeys(LINE_AMOUNT_COLUMNS))
    rows_sync(project=project, table=schema.LINES, rows=lines, subs=subs)
    docs = [{**row, "id": None} for row in snapshot["docs"]]
    rows_sync(project=project, table=schema.DOCS, rows=docs, subs=subs)
    # The new year's 固化指标 the copy lacks, as a new project gets them.
    result.mandated_added = mandated_rows_add(project)
    project_refresh_findings(project=project)
    # The copy as written is where the new project's history starts.
    history_baseline(project=project)
    return result


def copy_report(*, source: Project, project: Project) -> CopyResult:
    """What the copy of ``source`` into ``project`` placed and interpreted, read again for
    the result page: the rows still without a level (live), and the interpretations of
    the source's rows for the project's year (the same function the copy used)."""
    snapshot = project_snapshot(project_for_snapshot(source.pk))
    year = BudgetYear.objects.select_related("taxonomy").get(pk=project.budget_year_id)
    _rows, interpretations, placed = copy_indicator_rows(snapshot, year)
    *_dates, date_note = copy_dates(snapshot, source.budget_year.year, year.year)
    misfits = list(project.indicators.filter(level2__isnull=True).order_by("order", "id"))
    return CopyResult(
        project=project,
        source=source,
        misfits=misfits,
        interpretations=interpretations,
        notes=[n for n in (date_note, *version_notes(snapshot, year), *placed) if n],
    )
