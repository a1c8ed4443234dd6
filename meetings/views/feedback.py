"""Pages of session feedback: the attendee's questionnaire (personal link, no password) and
the round's anonymous results with the wording of its questions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from coordination.languages import link_page_language
from coordination.models import ConsultationRound
from meetings.forms.feedback import FeedbackForm, FeedbackWordingForm
from meetings.selectors.feedback import (
    DEFAULT_QUESTIONS,
    OPEN_QUESTION,
    feedback_open_question,
    feedback_questions,
    round_feedback_results,
)
from meetings.services import feedback as feedback_services
from meetings.views.base import link_refused


@method_decorator(never_cache, name="dispatch")
class FeedbackAnswerView(View):
    template_name = "meetings/feedback/answer.html"

    def _render(self, request, token, form=None, status=200):
        try:
            feedback_request = feedback_services.feedback_from_token(token)
        except feedback_services.FeedbackTokenError as exc:
            return link_refused(request, self.template_name, exc)
        invitation = feedback_request.invitation
        round_ = invitation.meeting.consultation_round
        language = link_page_language(request, invitation.contact.preferred_language)
        with translation.override(language):
            if form is None:
                form = FeedbackForm(
                    questions=feedback_questions(round_=round_),
                    open_question=feedback_open_question(round_=round_),
                )
            context = {
                "meeting": invitation.meeting,
                "invitation": invitation,
                "answered": feedback_request.answered_at is not None,
                "form": form,
            }
            response = render(request, self.template_name, context, status=status)
        response.headers["Content-Language"] = language
        return response

    def get(self, request, token):
        return self._render(request, token)

    def post(self, request, token):
        try:
            feedback_request = feedback_services.feedback_from_token(token)
        except feedback_services.FeedbackTokenError:
            return self._render(request, token)
        invitation = feedback_request.invitation
        round_ = invitation.meeting.consultation_round
        with translation.override(
            link_page_language(request, invitation.contact.preferred_language)
        ):
            form = FeedbackForm(
                request.POST,
                questions=feedback_questions(round_=round_),
                open_question=feedback_open_question(round_=round_),
            )
            if form.is_valid():
                try:
                    feedback_services.feedback_submit(
                        request=feedback_request,
                        ratings=form.ratings(),
                        comment=form.cleaned_data["comment"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("Thank you for your feedback."))
                    return redirect("feedback-answer", token=token)
        return self._render(request, token, form=form, status=400)


class RoundFeedbackView(LoginRequiredMixin, View):
    """The round's feedback (who answered is never shown) and its questions' wording."""

    template_name = "meetings/feedback/round.html"

    def _round(self, request, round_pk):
        round_ = get_object_or_404(ConsultationRound, pk=round_pk)
        if not request.user.has_perm("meetings.view_round_feedback", round_):
            raise PermissionDenied
        return round_

    def _form(self, round_, data=None):
        questions = [*DEFAULT_QUESTIONS, OPEN_QUESTION]
        form = FeedbackWordingForm(data, questions=questions)
        if data is None:
            wording = getattr(round_, "feedback_questionnaire", None)
            for key, by_language in (wording.texts if wording else {}).items():
                for code, text in by_language.items():
                    form.initial[f"{key}__{code}"] = text
        return form

    def _render(self, request, round_, form, status=200):
        context = {
            "round": round_,
            "results": round_feedback_results(consultation_round=round_),
            "form": form,
        }
        return render(request, self.template_name, context, status=status)

    def get(self, request, round_pk):
        round_ = self._round(request, round_pk)
        return self._render(request, round_, self._form(round_))

    def post(self, request, round_pk):
        round_ = self._round(request, round_pk)
        form = self._form(round_, request.POST)
        if form.is_valid():
            feedback_services.feedback_questionnaire_set(
                consultation_round=round_, texts=form.texts(), by=request.user
            )
            messages.success(request, _("The wording of the questions was saved."))
            return redirect("round-feedback", round_pk=round_pk)
        return self._render(request, round_, form, status=400)
