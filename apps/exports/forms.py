from django import forms


class UnitExportForm(forms.Form):
    """Which unit and year a whole-unit export covers; the button pressed says PDF or Excel."""

    unit = forms.IntegerField(widget=forms.HiddenInput)
    year = forms.IntegerField(widget=forms.HiddenInput)
