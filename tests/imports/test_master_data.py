"""Master data through django-import-export in the admin: each resource exports, imports
its own export back unchanged, recreates what was deleted, and refuses a bad row with a
clear message."""

import tablib
from django.urls import reverse

from apps.accounts.models import User
from apps.imports.resources import TaxonomyResource, UnitResource, UserResource
from apps.indicators.models import Level1, Level2, Taxonomy
from apps.units.models import Unit
from tests import factories


def rows(dataset) -> list[dict]:
    return [dict(zip(dataset.headers, row, strict=True)) for row in dataset]


def errors(result) -> list[str]:
    out = [str(e.error) for row in result.rows for e in row.errors]
    for invalid in result.invalid_rows:
        for messages in invalid.error_dict.values():
            out += [str(m) for m in messages]
    return out


def reimport(resource, dataset):
    result = resource.import_data(
        tablib.Dataset().load(dataset.export("csv"), format="csv"), dry_run=False
    )
    assert not result.has_errors() and not result.has_validation_errors(), errors(result)
    return result


def test_units_round_trip(reference):
    exported = UnitResource().export()
    assert exported.headers == ["单位编码", "单位名称", "类型", "主管部门编码"]
    assert {
        "单位编码": "001001",
        "单位名称": "上海市闵行区教育学院",
        "类型": "预算单位",
        "主管部门编码": "001",
    } in rows(exported)
    before = rows(exported)

    result = reimport(UnitResource(), exported)
    assert result.totals["skip"] == len(before)  # nothing changed

    Unit.objects.filter(code="001001").update(name="改名了")
    Unit.objects.create(code="009", name="新建后要删除", kind=Unit.Kind.UNIT)
    Unit.objects.filter(code="001003").delete()
    reimport(UnitResource(), exported)
    # Names and deleted units come back; a unit the file does not list is left alone.
    assert rows(UnitResource().export()) == before + [
        {"单位编码": "009", "单位名称": "新建后要删除", "类型": "预算单位", "主管部门编码": ""}
    ]
    assert Unit.objects.get(code="001003").parent.code == "001"


def test_unit_bad_rows(reference):
    data = tablib.Dataset(headers=["单位编码", "单位名称", "类型", "主管部门编码"])
    data.append(["003001", "某单位", "预算单位", "999"])
    data.append(["003002", "另一单位", "科室", ""])
    data.append([3003, "数字编码", "预算单位", ""])
    result = UnitResource().import_data(data, dry_run=False)
    messages = errors(result)
    assert "主管部门编码“999”不存在（请先导入或新建它）。" in messages
    assert "“科室”不是有效的单位类型（可选：主管部门、预算单位）。" in messages
    assert (
        "单位编码“3003”是数字格式，开头的 0 可能已经丢失；请把该列设为“文本”格式后重新填写。"
        in messages
    )
    assert not Unit.objects.filter(code__startswith="003").exists()


def test_users_round_trip_without_passwords(reference, alice, charlie):
    exported = UserResource().export()
    assert exported.headers == ["用户名", "姓名", "电子邮箱", "单位编码", "角色", "启用"]
    assert (
        "password" not in exported.export("csv") and "pbkdf2" not in exported.export("csv").lower()
    )
    before = rows(exported)
    assert {
        "用户名": "alice",
        "姓名": "",
        "电子邮箱": "",
        "单位编码": "001001",
        "角色": "填报人",
        "启用": "是",
    } in before

    password = User.objects.get(username="alice").password
    User.objects.filter(username="alice").update(role=User.Role.UNIT_HEAD)
    User.objects.filter(username="charlie").delete()
    reimport(UserResource(), exported)
    assert rows(UserResource().export()) == before
    assert User.objects.get(username="alice").password == password  # untouched
    assert not User.objects.get(username="charlie").has_usable_password()  # recreated


def test_user_bad_rows(reference):
    data = tablib.Dataset(headers=["用户名", "姓名", "电子邮箱", "单位编码", "角色", "启用"])
    data.append(["dave", "", "", "001999", "填报人", "是"])
    data.append(["erin", "", "", "001001", "局长", "是"])
    data.append(["fay", "", "", "001001", "填报人", "也许"])
    messages = errors(UserResource().import_data(data, dry_run=False))
    assert "单位编码“001999”不存在（请先导入或新建它）。" in messages
    assert any(m.startswith("“局长”不是有效的角色（可选：填报人、单位负责人") for m in messages)
    assert "“也许”应填“是”或“否”。" in messages
    assert not User.objects.filter(username__in=["dave", "erin", "fay"]).exists()


def test_taxonomies_round_trip(reference):
    exported = TaxonomyResource().export()
    assert exported.headers[:6] == [
        "指标体系代码",
        "指标体系名称",
        "一级目标",
        "一级排序",
        "一级必填",
        "二级目标",
    ]
    before = rows(exported)
    assert {
        "指标体系代码": "minhang-2018",
        "指标体系名称": "闵行区项目支出绩效目标指标体系（2018—2020）",
        "一级目标": "产出目标",
        "一级排序": 0,
        "一级必填": "是",
        "二级目标": "时效",
        "类型": "时效",
        "二级排序": "2",
        "二级必填": "是",
    } in before
    result = reimport(TaxonomyResource(), exported)
    assert result.totals["skip"] == len(before)

    Taxonomy.objects.filter(code="national-2015").delete()  # no budget year uses it
    Level2.objects.filter(level1__taxonomy__code="minhang-2018", name="满意度").update(
        required=False
    )
    Level1.objects.filter(taxonomy__code="minhang-2018", name="效果目标").update(required=False)
    reimport(TaxonomyResource(), exported)
    after = rows(TaxonomyResource().export())
    assert [
        {**r, "一级排序": str(r["一级排序"]), "二级排序": str(r["二级排序"])} for r in after
    ] == [{**r, "一级排序": str(r["一级排序"]), "二级排序": str(r["二级排序"])} for r in before]


def test_taxonomy_bad_rows(reference):
    data = tablib.Dataset(
        headers=[
            "指标体系代码",
            "指标体系名称",
            "一级目标",
            "一级排序",
            "一级必填",
            "二级目标",
            "类型",
            "二级排序",
            "二级必填",
        ]
    )
    data.append(["minhang-2018", "", "产出目标", 0, "是", "新指标", "体量", 9, "否"])
    data.append(["new-tax", "", "产出指标", 0, "是", "数量指标", "数量", 0, "是"])
    messages = errors(TaxonomyResource().import_data(data, dry_run=False))
    assert (
        "“体量”不是有效的二级目标类型（可选：数量、质量、时效、成本、满意度、其他）。" in messages
    )
    assert "指标体系“new-tax”不存在，新建时须填写指标体系名称。" in messages
    assert not Level2.objects.filter(name="新指标").exists()
    assert not Taxonomy.objects.filter(code="new-tax").exists()


def test_admin_pages_offer_import_and_export(client, reference):
    admin = factories.user("root", User.Role.ADMIN)
    User.objects.filter(pk=admin.pk).update(is_staff=True, is_superuser=True)
    client.force_login(admin)
    for name in ("units_unit", "accounts_user", "indicators_level2"):
        page = client.get(reverse(f"admin:{name}_changelist")).content.decode()
        assert reverse(f"admin:{name}_import") in page and reverse(f"admin:{name}_export") in page
        assert client.get(reverse(f"admin:{name}_import")).status_code == 200
