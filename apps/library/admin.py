from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.core.importexport import ChineseImportExportMixin
from apps.library.models import LibraryIndicator, Mandated, Proposal
from apps.library.resources import LibraryResource


@admin.register(LibraryIndicator)
class LibraryIndicatorAdmin(ChineseImportExportMixin, ImportExportModelAdmin):
    list_display = ["name", "level2", "tier", "owner", "typical_value", "unit", "valid_to"]
    list_filter = ["tier", "level2__level1__taxonomy", "owner"]
    search_fields = ["name"]
    raw_id_fields = ["origin_indicator"]
    resource_classes = [LibraryResource]


@admin.register(Mandated)
class MandatedAdmin(admin.ModelAdmin):
    list_display = ["name", "budget_year", "owner", "category", "target", "mode", "editable"]
    list_filter = ["budget_year", "owner"]


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "owner", "status", "proposed_by", "proposed_at"]
    list_filter = ["status", "tier"]
    raw_id_fields = ["indicator", "entry"]
