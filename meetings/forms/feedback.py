"""Forms of session feedback: an attendee's answers, and a round's wording of the questions."""

from django import forms
from django.conf import settings

from meetings.enums import FeedbackRating
from meetings.services.feedback import COMMENT_MAX


class FeedbackForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, questions, open_question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = [key for key, _text in questions]
        for key, text in questions:
            self.fields[f"q_{key}"] = forms.ChoiceField(
                label=text, choices=FeedbackRating.choices, widget=forms.RadioSelect
            )
        self.fields["comment"].label = open_question
        self.order_fields([*(f"q_{key}" for key in self.keys), "comment"])

    def ratings(self) -> dict[str, str]:
        return {key: self.cleaned_data[f"q_{key}"] for key in self.keys}


class FeedbackWordingForm(forms.Form):
    """One text per question and language; empty keeps the default wording."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for key, default in questions:
            for code, name in settings.LANGUAGES:
                self.fields[f"{key}__{code}"] = forms.CharField(
                    label=f"{default} ({name})", required=False, max_length=300
                )

    def texts(self) -> dict[str, dict[str, str]]:
        return {
            key: {code: self.cleaned_data[f"{key}__{code}"] for code, _name in settings.LANGUAGES}
            for key, _default in self.questions
        }
