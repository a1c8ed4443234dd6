"""The browsable API (only where ``API_BROWSABLE`` is on): DRF's renderer without its HTML
forms. Those forms list every choice of a related field (every meeting, agenda item,
contact or organisation in the database) to whoever opens the page; the raw JSON form stays,
and it shows only what the user may already see."""

from rest_framework.renderers import BrowsableAPIRenderer as DRFBrowsableAPIRenderer


class BrowsableAPIRenderer(DRFBrowsableAPIRenderer):
    def get_rendered_html_form(self, data, view, method, request):
        return None
