"""The 2021 columns a 2018 目标值 becomes on 复制上年, over the target values the seeds show
(apps/projects/copying.py derive_2021): derived where unambiguous, otherwise explained."""

import pytest

from apps.indicators.targets import compose_target
from apps.projects.copying import derive_2021

PLAIN = [
    ("=100%", "equal", "100", "%"),
    ("=100.00%", "equal", "100.00", "%"),
    ("≥90.00%", "positive", "90.00", "%"),
    ("≤5.00%", "negative", "5.00", "%"),
    ("≤24.00小时", "negative", "24.00", "小时"),
    ("≥1.00名", "positive", "1.00", "名"),
    ("=13689.00", "equal", "13689.00", ""),
    ("及时", "qualitative", "及时", ""),
    ("建立健全", "qualitative", "建立健全", ""),
    ("2020年12月底前", "qualitative", "2020年12月底前", ""),
]


@pytest.mark.parametrize(("raw", "nature", "value", "unit"), PLAIN)
def test_unambiguous_targets_are_derived_without_a_note(raw, nature, value, unit):
    row = {"target_raw": raw, "nature": "", "target_value": "", "measure_unit": ""}
    assert derive_2021(row) == []
    assert (row["nature"], row["target_value"], row["measure_unit"]) == (nature, value, unit)
    assert compose_target(nature, value, unit) == raw


EXPLAINED = [
    ("4次", "", "4", "次", "没有比较符号"),
    ("100%", "", "100", "%", "没有比较符号"),
    ("》90%", "positive", "90", "%", "按“≥90%”理解"),
    ("90%以上", "positive", "90", "%", "按“≥90%”理解"),
    (">50人", "positive", "50", "人", "“大于”"),
    ("<3天", "negative", "3", "天", "“小于”"),
    ("*", "", "*", "", "无法解析"),
    ("", "", "", "", "目标值为空"),
]


@pytest.mark.parametrize(("raw", "nature", "value", "unit", "note"), EXPLAINED)
def test_what_cannot_be_derived_plainly_is_explained(raw, nature, value, unit, note):
    row = {"target_raw": raw, "nature": "", "target_value": "", "measure_unit": ""}
    notes = derive_2021(row)
    assert len(notes) == 1 and note in notes[0]
    assert (row["nature"], row["target_value"], row["measure_unit"]) == (nature, value, unit)


def test_a_row_with_2021_columns_already_is_left_as_it_is():
    row = {"target_raw": "=1", "nature": "positive", "target_value": "2", "measure_unit": "个"}
    assert derive_2021(row) == [] and row["target_value"] == "2"
