"""The library's own pages: who reads, who keeps which tier, proposals decided by the
library's owner, 固化指标 kept by whoever set them. Other departments' ids → 404."""

import pytest
from django.urls import reverse

from apps.budgets.models import BudgetYear
from apps.library.models import LibraryIndicator, Mandated, Proposal, Tier
from tests import factories
from tests.library.conftest import entry


@pytest.fixture
def year2020(reference):
    return BudgetYear.objects.get(year=2020)


@pytest.fixture
def level(year2020):
    return factories.level2(year2020, "影响力目标", "满意度")


@pytest.fixture
def entries(level, edu, other_department):
    return {
        "common": entry(level, "服务对象满意度", comparator="≥", typical_value="90", unit="%"),
        "edu": entry(level, "教师满意度", owner=edu),
        "other": entry(level, "机关满意度", owner=other_department),
    }


def test_the_list_shows_what_the_user_may_pick(client, alice, fiona, entries):
    client.force_login(alice)
    html = client.get(reverse("library:list")).content.decode()
    assert "服务对象满意度" in html and "教师满意度" in html and "机关满意度" not in html
    assert "新增库指标" not in html  # a filler reads only
    client.force_login(fiona)
    html = client.get(reverse("library:list"), {"q": "满意"}).content.decode()
    assert "机关满意度" in html and "新增库指标" in html


def test_entry_pages_scope(client, alice, charlie, outsider, entries):
    other = entries["other"]
    client.force_login(alice)
    assert client.get(reverse("library:detail", args=[entries["edu"].pk])).status_code == 200
    assert client.get(reverse("library:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("library:edit", args=[entries["edu"].pk])).status_code == 404
    assert client.get(reverse("library:create")).status_code == 404
    client.force_login(charlie)  # 教育局 keeps its own entries, reads the common ones
    assert client.get(reverse("library:edit", args=[entries["edu"].pk])).status_code == 200
    assert client.get(reverse("library:edit", args=[entries["common"].pk])).status_code == 404
    assert client.get(reverse("library:edit", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("library:edit", args=[other.pk]), {"name": "改名", "level2": other.level2_id}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "机关满意度"


def _entry_post(level, **values):
    data = {
        "owner": "",
        "level2": level.pk,
        "name": "新指标",
        "nature": "positive",
        "comparator": "≥",
        "typical_value": "95",
        "unit": "%",
        "explanation": "",
        "formula": "",
        "scoring": "",
        "function_code": "2050801",
        "sector": "教育",
        "category": "",
        "valid_from": "",
        "valid_to": "",
    }
    data.update(values)
    return data


def test_a_department_creates_only_its_own_tier(client, charlie, edu, other_department, level):
    client.force_login(charlie)
    url = reverse("library:create")
    # The owner select offers only 教育局; a forged other department is refused at the field.
    response = client.post(url, _entry_post(level, owner=other_department.pk))
    assert response.status_code == 200 and "选择一个有效的选项" in response.content.decode()
    response = client.post(url, _entry_post(level, owner=edu.pk))
    assert response.status_code == 302
    made = LibraryIndicator.objects.get(name="新指标")
    assert (made.tier, made.owner) == (Tier.DEPARTMENT, edu)
    # The same name again under the same level is refused at the name.
    response = client.post(url, _entry_post(level, owner=edu.pk))
    assert "已有同名" in response.content.decode()


def test_finance_keeps_the_common_tier_and_bad_input_is_refused_at_the_field(client, fiona, level):
    client.force_login(fiona)
    url = reverse("library:create")
    response = client.post(url, _entry_post(level, name="x" * 301))
    assert response.status_code == 200 and "不超过 300 字符" in response.content.decode()
    response = client.post(url, _entry_post(level, valid_from="2026-05-01", valid_to="2026-01-01"))
    assert response.status_code == 200  # the dates in the wrong order: refused, no 500,
    assert "停用日期不能早于启用日期" in response.content.decode()  # saying why in Chinese
    assert not LibraryIndicator.objects.exists()
    response = client.post(url, _entry_post(level, explanation="解" * 1000))
    assert response.status_code == 302
    made = LibraryIndicator.objects.get()
    assert made.tier == Tier.COMMON and len(made.explanation) == 1000


def test_propose_and_accept(client, charlie, fiona, alice, project, edu):
    url = reverse("projects:library_propose", args=[project.pk])
    row = project.indicators.get(name="学校安保负责人满意度")
    client.force_login(alice)
    assert client.get(url).status_code == 404  # fillers do not propose
    client.force_login(charlie)
    response = client.post(url, {"tier": Tier.DEPARTMENT, "indicators": [row.pk]})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.owner == edu and proposal.status == Proposal.Status.PENDING
    client.post(url, {"tier": Tier.DEPARTMENT, "indicators": [row.pk]})
    assert Proposal.objects.count() == 1  # one pending proposal per indicator and tier
    # 教育局 owns its tier: it decides; finance may too.
    client.force_login(charlie)
    html = client.get(reverse("library:proposals")).content.decode()
    assert "学校安保负责人满意度" in html
    client.post(reverse("library:accept", args=[proposal.pk]), {"reason": "很好"})
    made = LibraryIndicator.objects.get(name="学校安保负责人满意度")
    assert made.owner == edu and made.origin.endswith("2020 年 · 安全集成管理平台")
    assert (made.comparator, made.typical_value, made.unit) == ("≥", "90", "%")
    assert made.origin_indicator == row
    html = client.get(reverse("library:detail", args=[made.pk])).content.decode()
    assert "上海市闵行区教育学院 · 2020 年 · 安全集成管理平台" in html
    # Decided once only.
    response = client.post(reverse("library:reject", args=[proposal.pk]), {"reason": "x"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_common_proposals_are_finances(client, charlie, fiona, outsider, project):
    row = project.indicators.first()
    client.force_login(charlie)
    client.post(
        reverse("projects:library_propose", args=[project.pk]),
        {"tier": Tier.COMMON, "indicators": [row.pk]},
    )
    proposal = Proposal.objects.get()
    response = client.post(reverse("library:accept", args=[proposal.pk]))
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING  # refused with a message
    client.force_login(outsider)  # another department does not even see it
    assert client.post(reverse("library:accept", args=[proposal.pk])).status_code == 404
    client.force_login(fiona)
    assert (
        client.post(reverse("library:reject", args=[proposal.pk]), {"reason": ""}).status_code
        == 302
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING  # a rejection needs a reason
    client.post(reverse("library:reject", args=[proposal.pk]), {"reason": "过于具体"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED and proposal.reason == "过于具体"


def test_propose_other_units_project_is_404(client, outsider, project):
    client.force_login(outsider)
    assert client.get(reverse("projects:library_propose", args=[project.pk])).status_code == 404


def _mandated_post(year, level, **values):
    data = {
        "budget_year": year.pk,
        "owner": "",
        "category": "",
        "level2": level.pk,
        "name": "服务对象满意度",
        "target": "≥90%",
        "mode": "minimum",
        "editable": "on",
        "weight": "",
    }
    data.update(values)
    return data


def test_mandated_pages(client, charlie, fiona, alice, outsider, edu, year2020, level):
    client.force_login(alice)
    assert client.get(reverse("library:mandated")).status_code == 404
    client.force_login(charlie)
    url = reverse("library:mandated_create")
    response = client.post(url, _mandated_post(year2020, level, owner=edu.pk, target="≥≥abc"))
    assert response.status_code == 200 and "无法识别该指标值" in response.content.decode()
    year2021 = BudgetYear.objects.get(year=2021)
    response = client.post(url, _mandated_post(year2021, level, owner=edu.pk))
    assert "指标体系" in response.content.decode() and not Mandated.objects.exists()
    response = client.post(url, _mandated_post(year2020, level, owner=edu.pk, weight="-5"))
    assert "分值不能为负数" in response.content.decode()  # not the constraint's name
    response = client.post(url, _mandated_post(year2020, level, owner=edu.pk))
    assert response.status_code == 302
    mandated = Mandated.objects.get()
    assert mandated.owner == edu
    client.force_login(outsider)
    assert client.get(reverse("library:mandated_edit", args=[mandated.pk])).status_code == 404
    assert client.post(reverse("library:mandated_remove", args=[mandated.pk])).status_code == 404
    client.force_login(fiona)
    assert client.get(reverse("library:mandated_edit", args=[mandated.pk])).status_code == 200
    client.force_login(charlie)
    client.post(reverse("library:mandated_remove", args=[mandated.pk]))
    assert not Mandated.objects.exists()


def test_list_queries_are_fixed(client, fiona, level, django_assert_max_num_queries):
    for i in range(60):
        entry(level, f"指标{i}")
    client.force_login(fiona)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("library:list")).status_code == 200


@pytest.mark.parametrize(
    ("name", "field", "limit"),
    [("library:create", "explanation", 1000), ("library:create", "name", 300)],
)
def test_long_texts_come_back_whole_with_their_count(client, fiona, level, name, field, limit):
    """No ``maxlength`` on the form (a browser cuts a longer paste silently): 30,000
    characters come back whole with the limit and the count, nothing saved."""
    client.force_login(fiona)
    url = reverse(name)
    assert "maxlength" not in client.get(url).content.decode()
    long = "解" * 30_000
    html = client.post(url, _entry_post(level, **{field: long})).content.decode()
    assert f"不超过 {limit} 字符" in html and "30000" in html and long in html
    assert not LibraryIndicator.objects.exists()


def test_the_mandated_form_has_no_maxlength(client, fiona):
    client.force_login(fiona)
    assert "maxlength" not in client.get(reverse("library:mandated_create")).content.decode()


def test_two_tabs_saving_the_same_new_entry_or_mandated(fiona, level, year2020):
    """Both forms pass their checks, then both save (two tabs, a double click): the second
    hit the unique constraint as a 500; now it is refused in Chinese, one row made."""
    from apps.library.forms import LibraryEntryForm, MandatedForm
    from apps.library.services import LibraryRefused, entry_save, mandated_save

    for form_class, data, save, model in (
        (LibraryEntryForm, _entry_post(level), entry_save, LibraryIndicator),
        (MandatedForm, _mandated_post(year2020, level), mandated_save, Mandated),
    ):
        tabs = [form_class(data, user=fiona) for _ in range(2)]
        assert all(tab.is_valid() for tab in tabs), [tab.errors for tab in tabs]
        save(form=tabs[0], actor=fiona)
        with pytest.raises(LibraryRefused, match="请刷新后核对"):
            save(form=tabs[1], actor=fiona)
        assert model.objects.count() == 1


def test_accepting_while_the_same_entry_is_made_elsewhere_reuses_it(
    monkeypatch, charlie, project, edu
):
    """Two proposals of the same name accepted at the same moment: both see no entry yet,
    the second create hit the unique constraint (a 500). It now takes the entry the other
    made, as an accept after it would have."""
    from apps.library import services

    row = project.indicators.get(name="学校安保负责人满意度")
    proposal = services.proposal_create(indicator=row, tier=Tier.DEPARTMENT, actor=charlie)
    parsed = services._parsed

    def made_meanwhile(target):  # runs between the look-up and the create
        entry(proposal.level2, proposal.name, owner=edu)
        return parsed(target)

    monkeypatch.setattr(services, "_parsed", made_meanwhile)
    made = services.proposal_accept(proposal=proposal, actor=charlie, reason="")
    assert LibraryIndicator.objects.filter(name=proposal.name).get() == made
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.entry == made
