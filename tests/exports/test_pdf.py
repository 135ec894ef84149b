"""Every demo project exported to PDF; the text read back holds every field value."""

import re
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from apps.core.money import fmt_money, fmt_number
from apps.exports.layout import project_for_export
from apps.exports.pdf import project_pdf
from apps.projects.models import FUNDING_FIELDS
from apps.projects.services import load_project_file

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("*.json"))
# What every page adds around the sheets: page numbers, the status line, the draft mark.
PAGE_FURNITURE = re.compile(r"第\d+页/共\d+页|状态：[^\n]*?导出于\d{4}-\d{2}-\d{2}\d{2}:\d{2}|草稿")


def squeeze(text: str) -> str:
    return PAGE_FURNITURE.sub("", re.sub(r"\s+", "", text))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(BytesIO(content))
    return squeeze("".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("path", DEMO, ids=[p.stem for p in DEMO])
def test_demo_project_pdf_holds_every_field(reference, path):
    project = project_for_export(load_project_file(path).pk)
    content = project_pdf(project)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    expected = [
        "财政项目支出绩效目标申报表（项目总体情况）",
        "财政项目支出绩效目标申报表（绩效目标）",
        "项目支出绩效目标申报表(制度保障)",
        f"（{project.budget_year.year}年）",
        project.unit.name,
        project.name,
        project.leader,
        project.contact,
        project.phone,
        project.overview,
        project.basis,
        project.necessity,
        project.feasibility,
        project.resources,
        project.overall_goal,
        project.annual_goal,
        project.other_issues,
        project.composition,
    ]
    expected += [
        fmt_money(getattr(project, f)) for f in FUNDING_FIELDS if getattr(project, f) is not None
    ]
    for d in (project.start_date, project.end_date):
        if d:
            expected.append(d.strftime("%Y-%m-%d"))
    version = project.budget_year.form_version
    for ind in project.indicators.all():
        expected += [ind.level2.level1.name, ind.level2.name, ind.name, ind.remark]
        if version == "national-2021":  # 指标性质 · 指标值 · 度量单位 · 分值 … in columns
            expected += [ind.get_nature_display(), ind.target_value, ind.measure_unit]
            expected += [fmt_number(ind.weight), ind.explanation, ind.value_basis, ind.scoring]
        else:
            expected.append(ind.target_raw)
    for line in project.budget_lines.all():
        expected += [
            line.item_name,
            line.content,
            line.detail,
            line.remark,
            fmt_money(line.amount) if line.amount is not None else "",
        ]
        if line.quantity is not None:
            expected.append(fmt_number(line.quantity))
    total = sum(line.amount or 0 for line in project.budget_lines.all())
    expected += [f"金额合计{fmt_money(total)}", "----"]
    for doc in project.rule_documents.all():
        expected += [doc.get_category_display(), doc.title, doc.measures]
    missing = [value for value in expected if squeeze(value) not in text]
    assert missing == []
    marks = "☑" if project.category else ""
    assert marks in text and "☐" in text


def test_pdf_download_is_scoped(client, alice, bob, reference):
    path = next(p for p in DEMO if p.stem == "004c")
    project = load_project_file(path)
    url = reverse("exports:project_pdf", args=[project.pk])
    client.force_login(bob)
    assert client.get(url).status_code == 404
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''2020-" in response["Content-Disposition"]
    assert "电子书包咨询费" in pdf_text(response.content)
    page = client.get(reverse("exports:project_print", args=[project.pk])).content.decode()
    assert page.count('<section class="sheet') == 3


def test_draft_carries_the_draft_mark_and_approved_its_state(reference):
    from apps.projects.models import Project

    project = load_project_file(DEMO[0])
    draft = PdfReader(BytesIO(project_pdf(project_for_export(project.pk))))
    assert "草稿" in draft.pages[0].extract_text()
    Project.objects.filter(pk=project.pk).update(status=Project.Status.APPROVED)
    approved = PdfReader(BytesIO(project_pdf(project_for_export(project.pk))))
    first = approved.pages[0].extract_text()
    assert "草稿" not in first and "状态：已批复" in first


def test_chinese_is_set_in_an_embedded_cjk_serif_font(reference):
    project = load_project_file(DEMO[0])
    reader = PdfReader(BytesIO(project_pdf(project_for_export(project.pk))))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    # Without a CJK font WeasyPrint still writes a PDF, of empty boxes.
    assert any("Noto-Serif-CJK-SC" in name for name in fonts), fonts
