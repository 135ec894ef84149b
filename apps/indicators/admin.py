from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.core.importexport import ChineseImportExportMixin
from apps.indicators.models import Level1, Level2, Taxonomy
from apps.indicators.resources import TaxonomyResource


class Level1Inline(admin.TabularInline):
    model = Level1
    extra = 0


class Level2Inline(admin.TabularInline):
    model = Level2
    extra = 0


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    inlines = [Level1Inline]


@admin.register(Level1)
class Level1Admin(admin.ModelAdmin):
    list_display = ["name", "taxonomy", "order", "required"]
    list_filter = ["taxonomy"]
    inlines = [Level2Inline]


@admin.register(Level2)
class Level2Admin(ChineseImportExportMixin, ImportExportModelAdmin):
    """Import and export of whole taxonomies live here: one row per level-2 name, with
    its taxonomy and level 1 (created or updated from the rows)."""

    list_display = ["name", "level1", "kind", "order", "required"]
    list_filter = ["level1__taxonomy", "kind"]
    resource_classes = [TaxonomyResource]
