from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.core.importexport import ChineseImportExportMixin
from apps.units.models import Unit
from apps.units.resources import UnitResource


@admin.register(Unit)
class UnitAdmin(ChineseImportExportMixin, ImportExportModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]
    resource_classes = [UnitResource]
