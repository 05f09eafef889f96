"""Form widgets every app shares."""

from django import forms


class DatePicker(forms.DateInput):
    """A browser date picker, whose value is always "2027-02-23" (in Russian too, where
    Django would otherwise write "23.02.2027", which the picker shows as empty; decision
    0024)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, str] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")
