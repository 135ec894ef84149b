# The two form versions' settings, editable by an administrator afterwards.

from decimal import Decimal

from django.db import migrations


def create(apps, schema_editor):
    FormVersion = apps.get_model("budgets", "FormVersion")
    FormVersion.objects.get_or_create(code="minhang-2018", defaults={"weights_total": None})
    FormVersion.objects.get_or_create(
        code="national-2021",
        defaults={"weights_total": Decimal("90"), "weights_required": True},
    )


class Migration(migrations.Migration):
    dependencies = [("budgets", "0003_form_versions")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
