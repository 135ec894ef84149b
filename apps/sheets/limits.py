"""How many rows a project's tables may hold, and what a sheet post may therefore carry.

The one place for these numbers: the sheet formsets (``max_num``), the project loaders
and the import read them here, and ``config/settings.py`` derives Django's request limits
from them, so a project at its row limits can always be posted again by its sheet page.
(Before, a project with ~430 indicators could be saved once and never again: its page
posted more than the 5,000 fields Django accepted.)

Plain Python, no Django imports: the settings module imports it.
"""

from dataclasses import dataclass

from apps.sheets import schema  # plain declarations too: no models, no app registry needed


@dataclass(frozen=True)
class Table:
    key: str
    label: str  # as the page calls the table
    max_rows: int
    # The most fields one row posts: its form fields (sub-project included), the hidden
    # id and DELETE. tests/core/test_limits.py checks these against the row forms.
    fields_per_row: int
    # The most bytes one row's values take in an urlencoded post, every bounded text full.
    bytes_per_row: int


# A CJK character is 3 bytes of UTF-8 and 9 once urlencoded (%E6%95%99).
_URLENCODED_CJK = 9
# Long cells of a row (备注, 文件名称, 具体措施, 指标解释 …) keep at most this many characters.
UNBOUNDED_TEXT_CHARS = schema.ROW_TEXT_MAX


def _row_fields(table: schema.Table) -> int:
    """The most fields a row posts in any form version: its declared columns (the level
    and the sub-project one field each) plus the hidden id and DELETE."""
    return max(len(table.columns_for(v)) for v in schema.ALL) + 2


INDICATORS = Table(
    "indicators",
    "绩效目标",
    max_rows=1000,
    fields_per_row=_row_fields(schema.INDICATORS),
    # The 2021 table's row is the longest: 三级指标 300, 指标值 200, 度量单位 20, 数据来源
    # 200 characters; 指标解释, 设定依据, 评分标准 and 备注 unbounded; ids and field names.
    bytes_per_row=(300 + 200 + 20 + 200 + 4 * UNBOUNDED_TEXT_CHARS) * _URLENCODED_CJK + 400,
)
LINES = Table(
    "lines",
    "项目构成分解",
    max_rows=500,
    fields_per_row=_row_fields(schema.LINES),
    # 项目名称 200, 项目内容/明细/单价依据/数量依据/备注 300 each; three amounts.
    bytes_per_row=(200 + 5 * 300) * _URLENCODED_CJK + 3 * 25 + 300,
)
DOCS = Table(
    "docs",
    "制度保障",
    max_rows=200,
    fields_per_row=_row_fields(schema.DOCS),
    bytes_per_row=2 * UNBOUNDED_TEXT_CHARS * _URLENCODED_CJK + 250,
)
TABLES = {table.key: table for table in (INDICATORS, LINES, DOCS)}

# What a page posts beside its rows: the token, the revision, the sheet-1 fields (the
# longest page), four management fields and ROWS per table.
PAGE_FIELDS = 100
# Long texts of sheet 1 (项目概况, 依据, 总目标, …: ten of them at their maximum) and the rest.
PAGE_BYTES = 10 * schema.LONG_TEXT_MAX * _URLENCODED_CJK + 50_000
# A page a little over its row limits still reaches the sheet view, which keeps the input
# and says in Chinese which table has too many rows, instead of Django's bare 400.
OVER_LIMIT_MARGIN = 1.2


def _page_fields(*tables: Table) -> int:
    return sum(t.max_rows * t.fields_per_row for t in tables) + PAGE_FIELDS


def _page_bytes(*tables: Table) -> int:
    return sum(t.max_rows * t.bytes_per_row for t in tables) + PAGE_BYTES


# The 绩效目标 page holds the indicators and the budget lines; 制度保障 the documents.
MAX_POST_FIELDS = int(max(_page_fields(INDICATORS, LINES), _page_fields(DOCS)) * OVER_LIMIT_MARGIN)
MAX_POST_BYTES = int(max(_page_bytes(INDICATORS, LINES), _page_bytes(DOCS)) * OVER_LIMIT_MARGIN)


def too_many_rows_message(table: Table, count: int | None = None) -> str:
    have = f"现有 {count} 行，" if count is not None else ""
    return f"{table.label}最多 {table.max_rows} 行，{have}请删去多余的行后再保存。"


class TooManyRows(ValueError):
    """A project would hold more rows than its sheet page can post again."""


def rows_check(*, indicators: int = 0, lines: int = 0, docs: int = 0) -> None:
    """Refuse row counts over the limits (for loaders and imports); Chinese message."""
    over = [
        too_many_rows_message(table, count)
        for table, count in ((INDICATORS, indicators), (LINES, lines), (DOCS, docs))
        if count > table.max_rows
    ]
    if over:
        raise TooManyRows("；".join(over))
