"""Scoring settings per form version (自评计分设置): weights, bands and 定性 levels."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from apps.performance.models import ScoringSettings, parse_levels
from apps.sheets.schema import DEFAULT_VERSION
from tests.performance.helpers import FULL, filled

pytestmark = pytest.mark.django_db


def test_parse_levels():
    assert parse_levels("好=100，较好=75, 差=0") == (
        ("好", D("1")),
        ("较好", D("0.75")),
        ("差", D("0")),
    )
    for bad in ["", "好", "好=120", "好=abc", "好=100,好=50", "=50", "一二三四五六七八九十一=1"]:
        with pytest.raises(ValueError):
            parse_levels(bad)


def test_admin_validation_at_the_field():
    with pytest.raises(ValidationError) as refused:
        ScoringSettings(code=DEFAULT_VERSION, levels="好=200").full_clean()
    assert "levels" in refused.value.message_dict


def test_settings_change_the_score_and_grade(approved, alice):
    ScoringSettings.objects.create(
        code=DEFAULT_VERSION,
        weight_output=D("60"),
        weight_effect=D("20"),
        weight_satisfaction=D("0"),
        budget_weight=D("20"),
        grade_excellent=D("95"),
        levels="完成=100,未完成=0",
    )
    reports = [{"actual": "100%"}, {"actual": "100%"}, {"level": "完成"}, {"level": "完成"},
               {"level": "未完成", "reason": "未建立"}, {"actual": "90%"}]  # fmt: skip
    evaluation = filled(approved, alice, reports)
    weights = list(evaluation.rows.order_by("id").values_list("weight", flat=True))
    # 80 for the indicators: 产出 60 → 80 × 60/80 = 60 over 3, 效果 20, 影响力 0
    assert weights == [D("20.00")] * 3 + [D("20.00"), D("0.00"), D("0.00")]
    assert (evaluation.budget_score, evaluation.total_score, evaluation.grade) == (
        D("20.00"),
        D("100.00"),
        "优",
    )


def test_unknown_level_under_new_settings_is_refused_on_the_page(client_a, approved, alice):
    from django.urls import reverse

    from apps.performance.services import evaluation_start
    from tests.performance.helpers import form_post

    ScoringSettings.objects.create(code=DEFAULT_VERSION, levels="完成=100,未完成=0")
    evaluation = evaluation_start(project=approved, actor=alice)
    response = client_a.post(
        reverse("performance:detail", args=[evaluation.pk]), form_post(evaluation, approved, FULL)
    )
    assert response.status_code == 200 and "请选择列出的完成等级" in response.content.decode()


def test_broken_stored_levels_fall_back_to_the_defaults(approved, alice):
    ScoringSettings.objects.create(code=DEFAULT_VERSION, levels="坏")
    assert filled(approved, alice).total_score == D("100.00")
