"""A whole-unit workbook's progress counts the final write: the count rises through the
building of the sheets and through the writing of the file, and reaches the number of
projects only when the file is written."""

import io

import openpyxl

from apps.budgets.models import BudgetYear
from apps.exports import xlsx
from apps.exports.selectors import unit_projects_for_export
from tests import factories


def test_progress_reaches_the_end_only_after_the_file_is_written(alice, monkeypatch):
    year = BudgetYear.objects.get(year=2020)
    for i in range(4):
        factories.ready_project(unit=alice.unit, name=f"项目{i}")
    projects = unit_projects_for_export(alice.unit, year)
    events = []
    real_save = xlsx._save

    def save(wb, sheet_written):
        events.append("write starts")
        return real_save(wb, sheet_written)

    monkeypatch.setattr(xlsx, "_save", save)
    content = xlsx.unit_workbook(alice.unit, year, projects, progress=events.append)

    counts = [e for e in events if e != "write starts"]
    assert counts == sorted(set(counts)) and counts[-1] == 4  # rising, never repeated
    during_write = events[events.index("write starts") + 1 :]
    assert during_write and min(during_write) > max(events[: events.index("write starts")])
    assert events[: events.index("write starts")][-1] < 4  # not 100 % before the write
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[0] == "汇总" and len(wb.sheetnames) == 1 + 4 * 3 + 1
