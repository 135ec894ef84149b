"""Money in 元: parsed from what people type, shown with thousands separators."""

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

CENT = Decimal("0.01")
# Room for a product of two Decimal(18,2) amounts (单价 × 数量) without rounding or traps.
WIDE = Context(prec=60)
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")
_PLAIN = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_amount(text: str | None) -> Decimal | None:
    """ "14,718,993.60" → Decimal("14718993.60"); blank → None; raises ValueError if not a number."""
    if text is None:
        return None
    cleaned = re.sub(r"\s+", "", str(text)).replace("，", ",").replace("．", ".")
    cleaned = cleaned.removeprefix("¥").removeprefix("￥").removesuffix("元")
    if cleaned == "":
        return None
    if _GROUPED.fullmatch(cleaned):
        cleaned = cleaned.replace(",", "")
    elif not _PLAIN.fullmatch(cleaned):
        raise ValueError(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits numbers only
        raise ValueError(text) from exc


def quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP, context=WIDE)


def multiply(a: Decimal, b: Decimal) -> Decimal:
    """Exact product, however large the factors a form accepts."""
    return WIDE.multiply(a, b)


def fmt_money(value: Decimal | None, blank: str = "") -> str:
    if value is None:
        return blank
    return f"{quantize(Decimal(value)):,f}"


def fmt_number(value: Decimal | None) -> str:
    """A quantity as typed precision allows: 5.00 → "5.00", 1 → "1"."""
    if value is None:
        return ""
    return f"{Decimal(value):,f}"
