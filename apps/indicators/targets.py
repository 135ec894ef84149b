"""Parse a target value (目标值) as typed into comparator / number / unit, or qualitative text.

The typed text is always kept; the parsed parts feed the checks and the normalised display.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# Comparators as users type them, with the ones that are typos of the real sign.
_COMPARATORS = {
    "=": "=",
    "＝": "=",
    "==": "=",
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "＞＝": "≥",
    "》": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "＜＝": "≤",
    "《": "≤",
    ">": ">",
    "＞": ">",
    "<": "<",
    "＜": "<",
}
_MISTYPED = {"》", "《", "≧", "≦", "＞＝", "＜＝", "==", ">=", "<="}
_SUFFIXES = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤"}
# Words written in place of the sign: 不低于90% is ≥90%.
_PREFIX_WORDS = {
    "不低于": "≥",
    "不少于": "≥",
    "不小于": "≥",
    "大于等于": "≥",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "不大于": "≤",
    "小于等于": "≤",
}

_COMP_RE = "|".join(re.escape(c) for c in sorted(_COMPARATORS, key=len, reverse=True))
_SUFFIX_RE = "|".join(re.escape(s) for s in sorted(_SUFFIXES, key=len, reverse=True))
_QUANT_RE = re.compile(
    rf"^(?P<comp>{_COMP_RE})?\s*(?P<num>[+-]?\d{{1,3}}(?:[,，]\d{{3}})+(?:\.\d+)?|[+-]?\d+(?:\.\d+)?)"
    rf"\s*(?P<unit>[^\d\s=<>≥≤＝＞＜》《]{{0,12}}?)\s*(?P<suffix>{_SUFFIX_RE})?$"
)
_DATE_RES = [
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号])?"),
    re.compile(r"(?P<y>\d{4})年(?:年)?[底末]"),  # 2021年底前 = by 2021-12-31
]
# The largest number Indicator.target_number holds (Decimal(24, 6)).
_MAX_NUMBER = Decimal(10) ** 18
_PLACEHOLDERS = {"*", "＊", "-", "/", "—", "--"}


@dataclass
class ParsedTarget:
    raw: str
    kind: str  # blank / quantitative / qualitative / invalid (Indicator.TargetKind values)
    comparator: str = ""
    number: Decimal | None = None
    unit: str = ""
    date: datetime.date | None = None
    # Why the normalised form differs from what was typed (shown as a warning).
    normalised_from: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def normalised(self) -> str:
        if self.kind != "quantitative":
            return self.raw.strip()
        return f"{self.comparator or '='}{self.number_text}{self.unit}"

    @property
    def number_text(self) -> str:
        return "" if self.number is None else format(self.number, "f")


def _month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


def _find_date(text: str) -> datetime.date | None:
    for regex in _DATE_RES:
        m = regex.search(text)
        if not m:
            continue
        groups = m.groupdict()
        try:
            year, month = int(groups["y"]), int(groups.get("m") or 12)
            if not 1 <= month <= 12:
                return None
            day = groups.get("d")
            return datetime.date(year, month, int(day)) if day else _month_end(year, month)
        except (ValueError, OverflowError):
            return None
    return None


def parse_target(raw: str | None) -> ParsedTarget:
    text = (raw or "").strip()
    if not text:
        return ParsedTarget(raw=raw or "", kind="blank")
    if text in _PLACEHOLDERS or set(text) <= {"*", "＊"}:
        return ParsedTarget(raw=raw, kind="invalid", notes=["placeholder"])

    found_date = _find_date(text)
    if found_date:
        return ParsedTarget(raw=raw, kind="qualitative", date=found_date)

    compact = re.sub(r"\s+", "", text).replace("％", "%")
    word = next((w for w in _PREFIX_WORDS if compact.startswith(w)), "")
    m = _QUANT_RE.match(compact[len(word) :])
    if m and word and m["comp"]:
        m = None  # 不低于≥90% — two signs
    if m:
        typed_comp = m["comp"] or word
        comparator = _COMPARATORS.get(typed_comp) or _PREFIX_WORDS.get(typed_comp, "")
        suffix = m["suffix"] or ""
        normalised_from = ""
        if typed_comp in _MISTYPED or word:
            normalised_from = typed_comp
        if suffix and not comparator:
            comparator = _SUFFIXES[suffix]
            normalised_from = suffix
        try:
            number = Decimal(m["num"].replace(",", "").replace("，", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits digits only
            return ParsedTarget(raw=raw, kind="invalid")
        if abs(number) >= _MAX_NUMBER or number.as_tuple().exponent < -6:
            return ParsedTarget(raw=raw, kind="invalid", notes=["range"])
        return ParsedTarget(
            raw=raw,
            kind="quantitative",
            comparator=comparator,
            number=number,
            unit=m["unit"] or "",
            normalised_from=normalised_from,
        )

    if compact[0] in "=<>≥≤＝＞＜》《≧≦":
        return ParsedTarget(raw=raw, kind="invalid", notes=["comparator"])
    if re.search(r"\d", compact):
        return ParsedTarget(raw=raw, kind="invalid", notes=["digits"])
    return ParsedTarget(raw=raw, kind="qualitative")


# 指标性质 of the 2021 table → the comparator its 指标值 is read with.
NATURE_COMPARATORS = {"positive": "≥", "negative": "≤", "equal": "="}


def compose_target(nature: str, value: str, unit: str) -> str:
    """The 2021 table keeps 指标性质, 指标值 and 度量单位 apart; the checks read them as one
    目标值 (正向 90 % → ``≥90%``; 定性 and a blank nature keep the value as typed)."""
    value, unit = (value or "").strip(), (unit or "").strip()
    comparator = NATURE_COMPARATORS.get(nature, "")
    if not value or not comparator or value[:1] in "=≥≤><＝》《≧≦＞＜":
        return f"{value}{unit}" if value else ""
    return f"{comparator}{value}{unit}"
