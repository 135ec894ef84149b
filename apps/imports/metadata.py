"""Our export's hidden 元数据, and whether it belongs to the project on the sheet.

An exported workbook is often reused as a template for another project: its metadata
(原表金额合计 and its source, the sub-project list) then describes a project that is not
the one typed on the sheets. It is used only where the name it records for that place
in the workbook and the unit match; otherwise it is ignored, and the preview says so."""

import json
from decimal import Decimal

from apps.imports.cells import NOTICE, norm
from apps.projects.models import Project, SubProject

SUB_PROJECT_MAX = SubProject._meta.get_field("name").max_length


def metadata_for(p, meta: dict) -> dict | None:
    """This project's entries of the workbook's metadata, or None if they are another's."""
    i = p.index
    recorded = meta.get(f"project_{i}") if "project_count" in meta else meta.get("project_name")
    reasons = []
    if recorded is None or norm(str(recorded)) != norm(p.name or ""):
        reasons.append(f"元数据记录的项目是“{recorded or '（无）'}”，表上的项目是“{p.name}”")
    # The unit is the one the sheet prints (填报单位), not the one imported into: an
    # administrator may copy a unit's project into another unit, metadata and all.
    printed_unit = p.unit_name or ""
    if printed_unit and norm(printed_unit) != norm(str(meta.get("unit_name") or "")):
        reasons.append(
            f"元数据记录的单位是“{meta.get('unit_name')}”，表上的填报单位是“{printed_unit}”"
        )
    if reasons:
        p.issues.add(
            NOTICE,
            p.sheets.get("overview", ""),
            "；".join(reasons) + "：这份工作簿像是把导出的表当作模板填了另一个项目，"
            "元数据（原表金额合计及其来源、子项目列表）不属于本项目，已忽略，按表上填写的内容导入。",
        )
        return None
    return {
        "total_source": meta.get(f"total_source_{i}"),
        "declared_total": meta.get(f"declared_total_{i}"),
        "sub_projects": meta.get(f"sub_projects_{i}"),
    }


def exported_sub_projects(own: dict | None) -> list[str] | None:
    """The sub-projects our export recorded for this project, in order (None for an
    export made before they were recorded, a list that cannot be read, or no metadata)."""
    raw = (own or {}).get("sub_projects")
    try:
        names = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    out: list[str] = []
    for name in (n.strip() for n in names):
        if name and len(name) <= SUB_PROJECT_MAX and name not in out:
            out.append(name)
    return out


def exported_total_source(own: dict | None):
    """The 金额合计来源 our export recorded for this project, if any."""
    own = own or {}
    source = own.get("total_source")
    if source not in (Project.TotalSource.TYPED, Project.TotalSource.BLANK):
        return None
    raw = own.get("declared_total")
    try:
        declared = Decimal(str(raw)) if raw not in (None, "") else None
    except ArithmeticError:
        return None
    return source, declared
