from django.contrib import admin

from apps.performance.models import MonitoringRound, ScoringSettings


@admin.register(ScoringSettings)
class ScoringSettingsAdmin(admin.ModelAdmin):
    list_display = [
        "code", "weight_output", "weight_effect", "weight_satisfaction", "budget_weight",
        "grade_excellent", "grade_good", "grade_fair",
    ]  # fmt: skip


@admin.register(MonitoringRound)
class MonitoringRoundAdmin(admin.ModelAdmin):
    list_display = ["budget_year", "label", "due_on", "expected_rate", "yellow_lag", "red_lag"]
    list_filter = ["budget_year"]
    readonly_fields = ["opened_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.opened_by = request.user
        super().save_model(request, obj, form, change)
