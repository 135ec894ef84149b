"""An import never loses a character: a workbook in the official layout whose cells hold
repeated labels, blank level-2 cells, unknown level-2 names, spaces after 【】 tags, and
an exported workbook reused as the template of another project, imports with every
character kept and every doubt listed in the preview."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.exports.layout import project_for_export, project_layouts
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.projects.models import Project
from tests import factories
from tests.imports.builders import export_project, official_spec, official_workbook, save

PER_SUB_PROJECT = (
    "【PATHS】依据：《上海市教育综合改革方案》。\n必要性：提升监管效率。\n"
    "【WAP课程】依据：《课程建设指南》。\n必要性：课程需要。\n可行性：已有平台。"
)


def preview(user, data) -> ImportBatch:
    return import_batch_create(user=user, unit=user.unit, filename="t.xlsx", data=data)


def notices(batch) -> list[str]:
    return [
        f"{i['where']}：{i['message']}"
        for p in batch.plan["projects"]
        for i in p["issues"]
        if i["severity"] == "notice"
    ]


def printed_text(project) -> str:
    texts = []
    for layout in project_layouts(project):
        texts += [layout.title, layout.year_line, layout.meta_left, layout.meta_right]
        texts += [c.text for s in layout.sections for row in (*s.head, *s.body) for c in row]
        texts += layout.footer
    return "\n".join(texts)


@pytest.mark.parametrize(
    "block",
    [
        PER_SUB_PROJECT,  # labels repeated per sub-project
        "依据：甲。\n依据：乙。\n必要性：丙。",  # a repeated 依据
        "可行性：先写的。\n依据：后写的。",  # out of order
        "本项目的主要依据：《条例》第三条。\n必要性：丁。",  # text before the first label
    ],
)
def test_an_ambiguous_basis_cell_is_kept_whole_in_basis(alice, block):
    batch = preview(alice, official_workbook(official_spec(basis_block=block)))
    assert batch.status == ImportBatch.Status.PREVIEW
    assert any("整段文字已原样放入“依据”" in n for n in notices(batch))
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    assert (project.basis, project.necessity, project.feasibility) == (block, "", "")


def test_an_unambiguous_basis_cell_is_split_and_says_so(alice):
    block = "主要依据：《条例》。\n　　第二段依据。\n必要性：提升效率。\n可行性：已有平台。"
    batch = preview(alice, official_workbook(official_spec(basis_block=block)))
    assert any("已按其中的“主要依据”“必要性”“可行性”标签拆分" in n for n in notices(batch))
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    assert project.basis == "《条例》。\n　　第二段依据。"
    assert (project.necessity, project.feasibility) == ("提升效率。", "已有平台。")


def test_blank_and_unknown_levels_and_tag_spaces_are_kept(alice, client_a):
    spec = official_spec()
    spec["indicators"] = [
        (
            "产出目标",
            None,
            "【课程图谱】 课程精品率",
            "≥90%",
            "计划目标",
        ),  # blank level 2, no merge
        (None, "数量", "【PATHS】平台建设计划完成率", "=100%", "计划目标"),
        (None, "质量", "平台阶段验收通过率", "=100%", ""),
        (None, "时效", "平台建设进度相符性", "与计划相符", ""),
        ("效果目标", "社会效益指标", "监管效率提升情况", "有提升", ""),  # not in the taxonomy
        ("影响力目标", "满意度", "学校安保负责人满意度", "≥90%", ""),
    ]
    spec["level1_merges"] = [(0, 3)]
    spec["level2_merges"] = []
    batch = preview(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.PREVIEW
    said = notices(batch)
    assert any("第 7 行" in n and "二级目标未填写" in n for n in said)
    assert any(
        "第 11 行" in n and "“效果目标 · 社会效益指标”不在 2020 年的指标体系" in n for n in said
    )
    (plan,) = batch.plan["projects"]
    unknown = [f["location"] for f in plan["findings"] if f["code"] == "I_LEVEL_UNKNOWN"]
    assert len(unknown) == 2

    page = client_a.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert "系统的解读（请核对）" in page and "社会效益指标" in page
    assert "[I_LEVEL_UNKNOWN]" not in page  # no rule codes shown to users

    import_batch_commit(batch=batch, user=alice)
    project = project_for_export(Project.objects.get().pk)
    rows = {i.name: i for i in project.indicators.all()}
    assert rows[" 课程精品率"].sub_project.name == "课程图谱"  # the space after 】 kept
    assert (rows[" 课程精品率"].level1_text, rows[" 课程精品率"].level2_text) == ("产出目标", "")
    unknown_row = rows["监管效率提升情况"]
    assert unknown_row.level2 is None
    assert (unknown_row.level1_text, unknown_row.level2_text) == ("效果目标", "社会效益指标")
    printed = printed_text(project)
    assert "【课程图谱】 课程精品率" in printed and "社会效益指标" in printed

    # The sheet page shows the row with what was typed, a level to choose and its finding.
    goals = client_a.get(reverse("projects:sheet", args=[project.pk, "goals"])).content.decode()
    assert "原表：效果目标 · 社会效益指标" in goals
    assert "原表填写的“效果目标 · 社会效益指标”不在 2020 年的指标体系中" in goals

    # And a second import of the same workbook changes nothing.
    again = preview(alice, official_workbook(spec))
    assert [p["action"] for p in again.plan["projects"]] == ["unchanged"], again.plan["projects"][
        0
    ]["changes"]


def test_an_export_reused_as_a_template_does_not_carry_its_metadata(alice):
    original = factories.ready_project(unit=alice.unit, name="原项目")
    sub = original.sub_projects.create(name="原子项目", order=0)
    Project.objects.filter(pk=original.pk).update(
        total_source=Project.TotalSource.TYPED, declared_total="1.00"
    )
    original.indicators.filter(order=0).update(sub_project=sub)
    wb = load_workbook(io.BytesIO(export_project(original)))
    # The user types another project into the exported workbook (the hidden 元数据 sheet
    # stays as it was exported).
    for ws in wb.worksheets:
        if ws.title == "元数据":
            continue
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "原项目" in cell.value:
                    cell.value = cell.value.replace("原项目", "新项目")
                if isinstance(cell.value, str) and "【原子项目】" in cell.value:
                    cell.value = cell.value.replace("【原子项目】", "")
    batch = preview(alice, save(wb))
    assert batch.status == ImportBatch.Status.PREVIEW, batch.plan
    (plan,) = batch.plan["projects"]
    assert plan["action"] == "create"
    assert any(
        "元数据（原表金额合计及其来源、子项目列表）不属于本项目，已忽略" in n
        for n in notices(batch)
    ), batch.plan
    import_batch_commit(batch=batch, user=alice)
    new = Project.objects.get(name="新项目")
    assert list(new.sub_projects.values_list("name", flat=True)) == []  # not the old one's
    # 金额合计 is what the sheet prints (the lines' sum), not the old project's metadata.
    assert new.total_source == Project.TotalSource.TYPED
    assert new.declared_total == sum(line.amount for line in new.budget_lines.all())


def test_every_filled_cell_of_an_official_workbook_lands_somewhere(alice):
    """No character of a filled cell is dropped silently: each cell's text is a label the
    parser knows, or is found in the imported project, or is reported at its cell."""
    spec = official_spec(basis_block=PER_SUB_PROJECT)
    data = official_workbook(spec)
    batch = preview(alice, data)
    import_batch_commit(batch=batch, user=alice)
    project = project_for_export(Project.objects.get().pk)
    stored = printed_text(project) + "\n".join(
        str(v) for v in Project.objects.filter(pk=project.pk).values().get().values()
    )
    reported = {i["cell"] for p in batch.plan["projects"] for i in p["issues"]}
    squeeze = "".join
    for ws in load_workbook(io.BytesIO(data)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                text = (
                    cell.value.split("：", 1)[-1].strip() if "：" in cell.value[:12] else cell.value
                )
                if not text or cell.coordinate in reported or _is_value_read_as_number(text):
                    continue
                assert squeeze(text.split()) in squeeze(stored.split()) or _is_label(text), (
                    ws.title,
                    cell.coordinate,
                    cell.value,
                )


def _is_value_read_as_number(text: str) -> bool:
    """Amounts and dates are read as numbers and dates (checked by the round-trip tests)."""
    from apps.core.money import parse_amount

    if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日|\d{4}-\d{2}-\d{2}", text.strip()):
        return True
    try:
        return (
            parse_amount(
                text.replace("１", "1").translate(
                    str.maketrans("０１２３４５６７８９，", "0123456789,")
                )
            )
            is not None
        )
    except ValueError:
        return False


def _is_label(text: str) -> bool:
    from apps.imports.cells import norm
    from apps.imports.parser.goals import SECTION_LABELS, heads_for
    from apps.imports.parser.labels import OVERVIEW_LABELS
    from apps.sheets import schema

    known = set(OVERVIEW_LABELS) | SECTION_LABELS | {"一级目标", "保障阶段", "金额合计", "----"}
    for table in schema.TABLES:
        known |= set(heads_for(table, schema.MINHANG_2018))
    plain = norm(text)
    for stage in ("立项和计划阶段", "实施阶段", "收尾和完成阶段"):
        plain = plain.replace(stage, "") if plain != stage else plain
    if plain and all(ch in "☑✓√✔■☐□×✗" for ch in plain):
        return True  # a stage mark, read as a tick
    return (
        plain in known
        or "申报表" in plain
        or plain.startswith("(")
        or plain.startswith("附件")
        or plain.startswith("主体活动")
    )


def test_an_administrator_adds_the_unknown_level_from_the_row(alice, client_a, client):
    from apps.accounts.models import User
    from apps.indicators.models import Indicator, Level2

    spec = official_spec()
    spec["indicators"][3] = ("效果目标", "文化效益", "监管效率提升情况", "有提升", "")
    batch = preview(alice, official_workbook(spec))
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    url = reverse("projects:level_add", args=[project.pk])
    # A filler may not change the taxonomy (and sees no button).
    goals = client_a.get(reverse("projects:sheet", args=[project.pk, "goals"])).content.decode()
    assert "加入指标体系" not in goals
    assert client_a.post(url, {"level": "效果目标\t文化效益"}).status_code == 404
    assert not Level2.objects.filter(name="文化效益").exists()

    admin = factories.user("root", User.Role.ADMIN)
    client.force_login(admin)
    # Administrators read the sheet (they do not edit a unit's sheets) and see the levels to add.
    goals = client.get(reverse("projects:sheet", args=[project.pk, "goals"])).content.decode()
    assert 'id="unknown-levels"' in goals and 'value="效果目标&#9;文化效益"' in goals
    response = client.post(url, {"level": "效果目标\t文化效益"})
    assert response.status_code == 302
    level2 = Level2.objects.get(name="文化效益", level1__name="效果目标")
    placed = Indicator.objects.filter(level2=level2)
    assert placed.count() == 2 and not placed.filter(level1_text__gt="").exists()
    project.refresh_from_db()
    codes = [
        f.code
        for f in __import__("apps.projects.selectors", fromlist=["x"]).project_findings(project)
    ]
    assert "I_LEVEL_UNKNOWN" not in codes


def test_a_workbook_of_the_other_form_version_loses_nothing(alice):
    """A 2018-table workbook imported into a 2021 year: its 目标值 is kept as typed (the
    2021 columns stay blank, to be filled on the page) and the preview says so."""
    from apps.budgets.models import BudgetYear

    year = BudgetYear.objects.get(year=2021)
    batch = import_batch_create(
        user=alice,
        unit=alice.unit,
        filename="t.xlsx",
        data=official_workbook(official_spec()),
        budget_year=year,
    )
    assert any("绩效目标表是“闵行区申报表" in n for n in notices(batch))
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    assert project.budget_year == year
    targets = sorted(i.target_raw for i in project.indicators.all())
    assert "》90%" in targets and "=100%" in targets


def test_a_workbook_over_the_row_limits_is_refused_at_its_table(alice):
    spec = official_spec()
    spec["lines"] = spec["lines"] * 251  # 502 budget lines: over the 500 a page can post
    batch = preview(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.BLOCKED
    errors = [
        i["message"]
        for p in batch.plan["projects"]
        for i in p["issues"]
        if i["severity"] == "error"
    ]
    assert any("项目构成分解最多 500 行，现有 502 行" in m for m in errors), errors


def test_a_30000_character_paragraph_is_refused_at_its_cell_and_on_the_page(alice, client_a):
    batch = preview(alice, official_workbook(official_spec(overview="字" * 30_000)))
    assert batch.status == ImportBatch.Status.BLOCKED
    (error,) = [i for p in batch.plan["projects"] for i in p["issues"] if i["severity"] == "error"]
    assert "内容有 30000 个字，超过上限 10000 个字" in error["message"]
    project = factories.ready_project(unit=alice.unit)
    url = reverse("projects:sheet", args=[project.pk, "overview"])
    from tests.formdata import form_data

    data = form_data(client_a.get(url).content.decode())
    data["overview"] = "字" * 30_000
    page = client_a.post(url, data).content.decode()
    assert "确保该变量包含不超过 10000 字符" in page  # Django's own message, in Chinese
    project.refresh_from_db()
    assert project.overview == "项目概况。"  # nothing saved, nothing cut
