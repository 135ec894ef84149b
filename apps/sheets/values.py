"""A declared item's value three ways: as the model holds it, as JSON, as the sheet shows it.

JSON is what a snapshot, a stored version and an import plan hold: money and numbers as
plain decimal strings (``"1234.50"``), dates ISO, choices by code, ticks as booleans,
texts exactly as typed.
"""

from datetime import date
from decimal import Decimal

from apps.core.money import fmt_money, fmt_number
from apps.sheets.schema import Item

CHECKED, UNCHECKED = "☑", "☐"
NUMERIC = ("money", "number")


def to_json(kind: str, value):
    if value is None:
        return None
    if kind in NUMERIC:
        return f"{Decimal(value):.2f}"
    if kind == "date":
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind == "bool":
        return bool(value)
    return value


def from_json(kind: str, value):
    """The model's value for a JSON value of ``kind`` (blank numbers and dates → None)."""
    if kind in NUMERIC:
        return None if value in (None, "") else Decimal(value)
    if kind == "date":
        return None if value in (None, "") else date.fromisoformat(value)
    if kind == "bool":
        return bool(value)
    if kind in ("level", "sub"):
        return value
    return "" if value is None else value


def blank(kind: str):
    """The JSON value of an empty item."""
    if kind in (*NUMERIC, "date", "level"):
        return None
    if kind == "bool":
        return False
    return ""


def display(item: Item, value, choices: dict | None = None) -> str:
    """The JSON value as the sheet prints it (amounts grouped, choices by label)."""
    if value is None or value == "":
        return ""
    if item.kind == "money":
        return fmt_money(Decimal(value))
    if item.kind == "number":
        return fmt_number(Decimal(value))
    if item.kind == "bool":
        return CHECKED if value else UNCHECKED
    if item.kind == "choice":
        return str((choices or {}).get(value, value))
    return str(value)
