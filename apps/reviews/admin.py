from django.contrib import admin, messages

from apps.reviews.models import FilingRound


@admin.register(FilingRound)
class FilingRoundAdmin(admin.ModelAdmin):
    list_display = ["budget_year", "opens_on", "closes_on", "reopened"]
    list_filter = ["reopened"]
    actions = ["reopen", "close_again"]

    @admin.action(description="截止后重新开放提交")
    def reopen(self, request, queryset):
        n = queryset.update(reopened=True)
        self.message_user(request, f"已重新开放 {n} 个申报批次。", messages.SUCCESS)

    @admin.action(description="取消重新开放（按截止日期关闭）")
    def close_again(self, request, queryset):
        n = queryset.update(reopened=False)
        self.message_user(request, f"已关闭 {n} 个申报批次的补报。", messages.SUCCESS)
