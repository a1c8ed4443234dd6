"""The remembered widgets of the filter forms render what Django's own widgets render, and
follow the options, the value and the language of each request."""

import pytest
from django import forms
from django.utils import translation

from coordination.forms import PoolFilterForm
from coordination.widgets import (
    DateInput,
    RememberedCheckboxInput,
    RememberedDateInput,
    RememberedHiddenInput,
    RememberedSelect,
)


class Plain(forms.Form):
    colour = forms.ChoiceField(choices=[("", "Any"), ("red", "Red"), ("blue", "Blue")])


class Remembered(forms.Form):
    colour = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red"), ("blue", "Blue")], widget=RememberedSelect
    )


@pytest.mark.parametrize("data", [None, {"colour": "blue"}, {"colour": "green"}])
def test_remembered_select_renders_as_djangos_select(data):
    for _ in range(2):  # the second rendering comes from memory
        assert str(Remembered(data)["colour"]) == str(Plain(data)["colour"])


def test_remembered_select_shows_the_choice_of_each_request():
    assert 'value="red" selected' in str(Remembered({"colour": "red"})["colour"])
    assert 'value="blue" selected' in str(Remembered({"colour": "blue"})["colour"])
    assert "selected" not in str(Remembered()["colour"]).replace('value="" selected', "")


def test_remembered_select_shows_options_as_they_are_now():
    form = Remembered()
    before = str(form["colour"])
    form = Remembered()
    form.fields["colour"].choices = [("", "Any"), ("red", "Red"), ("green", "Green")]

    after = str(form["colour"])

    assert "Blue" in before and "Green" not in before
    assert "Green" in after and "Blue" not in after


def test_remembered_select_follows_the_language():
    with translation.override("fr"):
        french = str(PoolFilterForm()["shares_data"])
    with translation.override("de"):
        german = str(PoolFilterForm()["shares_data"])
    with translation.override("fr"):
        french_again = str(PoolFilterForm()["shares_data"])

    assert ">Oui</option>" in french and ">Ja</option>" in german
    assert french_again == french


def test_remembered_select_marks_errors_as_django_does():
    invalid = Remembered({"colour": "green"})
    assert not invalid.is_valid()
    plain = Plain({"colour": "green"})
    assert not plain.is_valid()

    assert str(invalid["colour"]) == str(plain["colour"])
    assert 'aria-invalid="true"' in str(invalid["colour"])


class PlainInputs(forms.Form):
    due = forms.DateField(required=False, widget=DateInput())
    overdue = forms.BooleanField(required=False)
    meeting = forms.IntegerField(required=False, widget=forms.HiddenInput)


class RememberedInputs(forms.Form):
    due = forms.DateField(required=False, widget=RememberedDateInput())
    overdue = forms.BooleanField(required=False, widget=RememberedCheckboxInput)
    meeting = forms.IntegerField(required=False, widget=RememberedHiddenInput)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"due": "2027-05-06", "overdue": "on", "meeting": "12"},
        {"due": "2027-05-07", "meeting": "13"},
        {"due": "not a date", "meeting": "x"},
    ],
)
def test_remembered_inputs_render_as_djangos_inputs(data):
    for _ in range(2):
        remembered, plain = RememberedInputs(data), PlainInputs(data)
        remembered.is_valid(), plain.is_valid()
        for name in ("due", "overdue", "meeting"):
            assert str(remembered[name]) == str(plain[name])


def test_remembered_inputs_show_the_value_of_each_request():
    first = str(RememberedInputs({"due": "2027-05-06", "overdue": "on"})["due"])
    second = str(RememberedInputs({"due": "2027-05-07"})["due"])
    unchecked = str(RememberedInputs({"due": "2027-05-07"})["overdue"])

    assert 'value="2027-05-06"' in first and 'value="2027-05-07"' in second
    assert "checked" not in unchecked
