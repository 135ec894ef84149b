"""The eight tables of the book in their printed layout, as grids of cells.

Built on the cells of ``apps.exports.layout`` so that the page, the PDF (WeasyPrint) and
the workbook (``apps.exports.xlsx.write_sheet``) print the same cells. What a cell says
comes from the Book (``selectors.py``); this module only places it.
"""

from decimal import Decimal

from apps.exports.layout import Cell, L, Section, SheetLayout, T
from apps.unit_budgets.selectors import Book, CodeTable, SummaryTable, ThreeCosts, wan

CODE_HEAD = ["类", "款", "项"]
SHEET_TITLES = {
    "t1": "1-财务收支预算总表",
    "t2": "2-收入预算总表",
    "t3": "3-支出预算总表",
    "t4": "4-财政拨款收支预算总表",
    "t5": "5-一般公共预算支出",
    "t6": "6-政府性基金预算支出",
    "t7": "7-基本支出经济分类",
    "t8": "8-三公经费和机关运行经费",
}


def _amounts(values: list[Decimal] | None, width: int) -> list[Cell]:
    if values is None:
        return [Cell(None, "money") for _ in range(width)]
    return [Cell(v, "money") for v in values]


def _totals(values: list[Decimal] | None, width: int) -> list[Cell]:
    """The 合计 line: blank for a table with no lines, ``-`` for a zero, as printed."""
    if values is None:
        return [Cell(None, "money") for _ in range(width)]
    return [Cell(v, "total") if v else Cell("-", "dash") for v in values]


def _layout(book: Book, key, title, columns, sections, unit="元", footer=None) -> SheetLayout:
    return SheetLayout(
        key=key,
        title=title,
        year_line="",
        meta_left=f"预算单位：{book.unit.name}",
        meta_right=f"单位：{unit}",
        columns=columns,
        sections=sections,
        footer=footer or [],
    )


def code_table_layout(book: Book, table: CodeTable, band: str) -> SheetLayout:
    """收入/支出/一般公共预算/政府性基金 by 功能分类 (类/款/项), or 基本支出 by 经济分类 (类/款)."""
    economic = table.key == "t7"
    parts = 2 if economic else 3
    n = len(table.columns)
    kind = "经济分类科目编码" if economic else "功能分类科目编码"
    name = "部门经济分类科目名称" if economic else "功能分类科目名称"
    head = [
        [L("项目", colspan=parts + 1), L(band, colspan=n)],
        [L(kind, colspan=parts), L(name, rowspan=2), *[L(c, rowspan=2) for c in table.columns]],
        [L(h) for h in CODE_HEAD[:parts]],
    ]
    body = [
        [
            *[L(p) for p in line.parts[:parts]],
            T(line.name),
            *_amounts(line.values, n),
        ]
        for line in table.lines
    ]
    body.append([L("合计", colspan=parts + 1), *_totals(table.total, n)])
    if economic:
        columns = [7, 6, 42, 15, 15, 15]
    elif n == 5:
        columns = [6, 5, 5, 29, 11, 11, 11, 11, 11]
    else:
        columns = [7, 6, 6, 36, 15, 15, 15]
    return _layout(
        book,
        table.key,
        table.title,
        columns,
        [Section(head=head, body=body)],
        footer=[table.note] if table.note else None,
    )


def _side_rows(table: SummaryTable, width: int) -> list[list[Cell]]:
    rows = []
    for i in range(max(len(table.revenue), len(table.expenditure))):
        row: list[Cell] = []
        if i < len(table.revenue):
            r = table.revenue[i]
            row += [Cell(r.label, "label-left"), *_amounts(r.values, 1)]
        else:
            row += [T(""), Cell(None, "money")]
        if i < len(table.expenditure):
            e = table.expenditure[i]
            row += [Cell(e.label, "label-left"), *_amounts(e.values, width)]
        else:
            row += [T(""), *_amounts(None, width)]
        rows.append(row)
    return rows


def summary_layout(book: Book, table: SummaryTable) -> SheetLayout:
    """1. 财务收支预算总表."""
    head = [
        [L("本年收入", colspan=2), L("本年支出", colspan=5)],
        [
            L("项目", rowspan=3),
            L("预算数", rowspan=3),
            L("项目", rowspan=3),
            L("预算数", colspan=4),
        ],
        [L("合计", rowspan=2), L("基本支出", colspan=2), L("项目支出", rowspan=2)],
        [L("人员经费"), L("公用经费")],
    ]
    body = _side_rows(table, 4)
    body.append(
        [
            L("收入总计"),
            *_totals([table.revenue_total], 1),
            L("支出总计"),
            *_totals(table.expenditure_total, 4),
        ]
    )
    return _layout(
        book, table.key, table.title, [20, 13, 23, 11, 11, 11, 11], [Section(head=head, body=body)]
    )


def fiscal_layout(book: Book, table: SummaryTable) -> SheetLayout:
    """4. 财政拨款收支预算总表."""
    head = [
        [L("财政拨款收入", colspan=2), L("财政拨款支出", colspan=4)],
        [L("项目"), L("预算数"), L("项目"), L("合计"), L("一般公共预算"), L("政府性基金预算")],
    ]
    body = _side_rows(table, 3)
    body.append(
        [
            L("收入总计"),
            *_totals([table.revenue_total], 1),
            L("支出总计"),
            *_totals(table.expenditure_total, 3),
        ]
    )
    return _layout(
        book, table.key, table.title, [20, 14, 24, 14, 14, 14], [Section(head=head, body=body)]
    )


def three_costs_layout(book: Book, costs: ThreeCosts) -> SheetLayout:
    """8. “三公”经费和机关运行经费预算表, in 万元."""
    y = book.year
    head = [
        [L(f"{y}年“三公”经费预算数", colspan=6), L(f"{y}年机关运行经费预算数", rowspan=3)],
        [
            L("合计", rowspan=2),
            L("因公出国(境)费", rowspan=2),
            L("公务接待费", rowspan=2),
            L("公务用车购置及运行费", colspan=3),
        ],
        [L("小计"), L("购置费"), L("运行费")],
    ]
    body = [[Cell(wan(v), "money") for v in costs.row()]]
    return _layout(
        book,
        "t8",
        f"{y}年单位“三公”经费和机关运行经费预算表",
        [14, 14, 14, 14, 14, 14, 16],
        [Section(head=head, body=body)],
        unit="万元",
    )


def book_layouts(book: Book) -> list[SheetLayout]:
    """The eight tables, in the order of the book."""
    return [
        summary_layout(book, book.table_summary()),
        code_table_layout(book, book.table_revenue(), "收入预算"),
        code_table_layout(book, book.table_expenditure(), "支出预算"),
        fiscal_layout(book, book.table_fiscal()),
        code_table_layout(book, book.table_general(), "一般公共预算支出"),
        code_table_layout(book, book.table_fund(), "政府性基金预算支出"),
        code_table_layout(book, book.table_economic(), "一般公共预算基本支出"),
        three_costs_layout(book, book.table_three_costs()),
    ]
