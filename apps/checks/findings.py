from dataclasses import asdict, dataclass
from enum import StrEnum

from apps.sheets import schema


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Sheet(StrEnum):
    OVERVIEW = "overview"
    GOALS = "goals"
    GUARANTEES = "guarantees"


SHEET_LABELS = {Sheet(key): label for key, label in schema.SHEET_LABELS.items()}


@dataclass(frozen=True)
class Finding:
    """One result of a filing check.

    ``anchor`` names the form field the finding belongs to (the HTML id without ``id_``,
    e.g. ``current_budget`` or ``ind-3-target_raw``), or a section anchor such as
    ``lines-total``; ``where`` says the same for people (绩效目标 · 第 4 行 · 目标值).
    """

    code: str
    severity: Severity
    sheet: Sheet
    anchor: str
    where: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR

    @property
    def sheet_label(self) -> str:
        return SHEET_LABELS[self.sheet]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = str(self.severity)
        data["sheet"] = str(self.sheet)
        data["sheet_label"] = self.sheet_label
        return data
