from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_SECTION_LENGTH = 20_000


class ReportGenerateForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of the report"), choices=settings.LANGUAGES)


class ReportSectionsForm(forms.Form):
    """One Markdown text area per narrative section of the report."""

    def __init__(self, *args, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        for section in self.sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=section.title,
                required=False,
                initial=section.text,
                max_length=MAX_SECTION_LENGTH,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 8}),
                help_text=_("Markdown: **bold**, *italic*, lists with “- ”."),
            )

    def texts(self) -> dict[int, str]:
        return {
            section.pk: self.cleaned_data[f"section_{section.pk}"].replace("\r\n", "\n")
            for section in self.sections
        }
