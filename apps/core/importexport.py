"""django-import-export's admin screens in Chinese."""

from import_export.forms import SelectableFieldsExportForm


class ChineseExportForm(SelectableFieldsExportForm):
    """The export screen's field checkboxes under their Chinese column names (the library
    prints the attribute name, title-cased: "Code (单位编码)")."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field and field.column_name else field_name


class ChineseImportExportMixin:
    export_form_class = ChineseExportForm
