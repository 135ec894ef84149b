"""Property tests over cell values: whatever a cell holds, the reader either gets the
value back or reports an error at exactly that cell — never a crash, never a silent
change."""

import datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.imports.files import check_package, open_workbook
from apps.imports.parser import parse_workbook
from apps.imports.plan import build_plan
from apps.projects.models import Project
from tests.imports.builders import export_project, official_spec, official_workbook

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)
FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@st.composite
def typed_amounts(draw):
    """An amount as people type it into a text cell, and its value."""
    value = draw(amounts)
    style = draw(st.sampled_from(["plain", "grouped", "full", "yen", "yuan", "spaces", "number"]))
    if style == "number":
        return float(value), value
    grouped = f"{value:,.2f}"
    text = {
        "plain": f"{value:.2f}",
        "grouped": grouped,
        "full": grouped.translate(FULL_WIDTH),
        "yen": f"¥{grouped}",
        "yuan": f"{grouped}元",
        "spaces": f"  {grouped} ",
    }[style]
    return text, value


def parse(data: bytes):
    check_package(data)
    return parse_workbook(open_workbook(data)).projects[0]


@FAST
@given(typed_amounts(), typed_amounts())
def test_amounts_typed_any_way_read_exactly(current, line):
    (current_cell, current_value), (line_cell, line_value) = current, line
    spec = official_spec()
    spec["funding"][1] = ("二、当年预算：", current_cell)
    spec["lines"][0] = ("平台", "软件", "开发", line_cell, None, "", None, "", "")
    p = parse(official_workbook(spec))
    assert [i.text for i in p.issues if i.severity != "notice"] == []
    assert p.fields["current_budget"] == current_value
    assert p.lines[0]["amount"] == line_value


cell_values = st.one_of(
    st.none(),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=60),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=datetime.datetime(1900, 3, 1), max_value=datetime.datetime(2100, 1, 1)),
)


@FAST
@given(target=cell_values, amount=cell_values, phone=cell_values, name=cell_values)
def test_any_cell_value_is_read_or_reported_at_its_cell(target, amount, phone, name):
    spec = official_spec(phone=phone)
    spec["indicators"][0] = ("产出目标", "数量", name, target, "计划目标")
    spec["lines"][1] = ("平台", "硬件", "硬件", amount, None, "", None, "", "")
    p = parse(official_workbook(spec))
    cells = {(i.sheet, i.cell) for i in p.issues if i.is_error}
    # Every error sits at one of the cells written here, never elsewhere.
    assert cells <= {
        ("项目总体情况", "F6"),
        ("绩效目标", "G7"),
        ("绩效目标", "D7"),
        ("绩效目标", "E17"),
    }
    if (
        isinstance(target, str)
        and target.strip()
        and len(target) <= 200
        and not target.startswith("=")
    ):
        assert p.indicators[0]["target_raw"] == target.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(amount, int) and not isinstance(amount, bool):
        if 0 <= amount < 10**16:
            assert p.lines[1]["amount"] == Decimal(amount)
        else:
            assert ("绩效目标", "E17") in cells
    if isinstance(phone, datetime.datetime) or isinstance(phone, bool):
        assert ("项目总体情况", "F6") in cells
    if isinstance(phone, str) and phone.strip():
        assert p.fields["phone"] == phone.replace("\r\n", "\n").replace("\r", "\n")


texts = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.just("\n"),
    min_size=1,
    max_size=300,
).filter(lambda t: t.strip() == t and t.strip())


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    overview=texts,
    basis=texts,
    target=texts.filter(lambda t: len(t) <= 200 and not t.startswith("=")),
    leader=texts.filter(lambda t: len(t) <= 50 and "\n" not in t),
    budget=amounts,
    quantity=st.decimals(min_value=0, max_value=Decimal("99999999"), places=2),
)
def test_export_then_import_keeps_what_was_typed(
    project, alice, overview, basis, target, leader, budget, quantity
):
    Project.objects.filter(pk=project.pk).update(
        overview=overview, basis=basis, leader=leader, total_budget=budget
    )
    project.indicators.filter(order=0).update(target_raw=target)
    project.budget_lines.filter(order=0).update(quantity=quantity)
    parsed = parse_workbook(open_workbook(export_project(project)))
    plan = build_plan(parsed, unit=project.unit, user=alice)
    [p] = plan["projects"]
    assert p["issues"] == []
    assert p["action"] == "unchanged", p["changes"]
