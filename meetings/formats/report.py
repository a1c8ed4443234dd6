"""Rendering of a consultation report from its snapshot and narrative sections: HTML (for the
preview page and for WeasyPrint), PDF and DOCX with the same structure.

Pure functions of (snapshot, sections, version): they read no database, so any stored
version can be rendered again (e.g. when it is made final)."""

import base64
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from meetings.formats import charts
from meetings.formats.markdown import render_markdown
from meetings.formats.pdf import html_to_pdf, page_counter_css

REPORT_CSS = "meetings/report.css"


@dataclass
class TocEntry:
    anchor: str
    title: str
    level: int


def _data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _sections_by_key(sections: list[dict]) -> dict[str, dict]:
    return {s["key"]: s for s in sections}


def build_context(
    *,
    snapshot: dict,
    sections: list[dict],
    version: int | None,
    is_final: bool,
    with_charts: bool = True,
) -> dict:
    """The template context shared by the PDF, the preview page and the DOCX. Must be called
    with the report's language active."""
    by_key = _sections_by_key(sections)

    def narrative(key: str) -> str:
        section = by_key.get(key)
        return render_markdown(section["text"], top_heading=4) if section else ""

    profile = []
    for dimension in snapshot["participants"]["profile"]:
        chart = charts.profile_chart(dimension) if snapshot["participants"]["count"] else None
        profile.append(
            {
                **dimension,
                "chart": _data_uri(charts.chart_svg(chart)) if chart and with_charts else "",
                "alt": chart.alt if chart else "",
            }
        )
    questions = []
    for question in snapshot["survey"]["questions"]:
        question_charts = [
            {"src": _data_uri(charts.chart_svg(c)) if with_charts else "", "alt": c.alt}
            for c in charts.question_charts(question)
        ]
        questions.append({**question, "charts": question_charts})

    themes = []
    for index, theme in enumerate(snapshot["themes"], start=1):
        key = f"theme:{theme['key']}" if theme["key"] else ""
        themes.append(
            {
                **theme,
                "anchor": f"theme-{index}",
                "number": f"4.{index}",
                "summary": narrative(key) if key else "",
                "items": [
                    {**item, "notes_html": render_markdown(item["notes"], top_heading=4)}
                    for item in theme["items"]
                ],
            }
        )

    toc = [
        TocEntry("introduction", "1. " + _("Introduction"), 1),
        TocEntry("methodology", "2. " + _("Methodology"), 1),
        TocEntry("sessions", "2.1 " + _("Sessions"), 2),
        TocEntry("draw", "2.2 " + _("How invitees were drawn"), 2),
        TocEntry("participation", "2.3 " + _("Invited, accepted and attended"), 2),
        TocEntry("profile", "2.4 " + _("Participants’ profile"), 2),
        TocEntry("feedback", "2.5 " + _("Participants’ feedback"), 2),
        TocEntry("survey", "3. " + _("Survey context"), 1),
        TocEntry("results", "4. " + _("Results per theme"), 1),
        *(TocEntry(t["anchor"], f"{t['number']} {t['theme']}", 2) for t in themes),
        TocEntry("conclusions", "5. " + _("Conclusions"), 1),
        TocEntry("next-steps", "6. " + _("Next steps"), 1),
        TocEntry("annex", _("Annex"), 1),
        TocEntry("annex-agendas", "A.1 " + _("Agendas of the sessions"), 2),
        TocEntry("annex-organisations", "A.2 " + _("Participating organisations"), 2),
        TocEntry("annex-questions", "A.3 " + _("Survey questions referenced"), 2),
    ]
    return {
        "s": snapshot,
        "round": snapshot["round"],
        "version": version,
        "is_final": is_final,
        "introduction": narrative("introduction"),
        "conclusions": narrative("conclusions"),
        "profile": profile,
        "questions": questions,
        "themes": themes,
        "toc": toc,
        "headings": {e.anchor.replace("-", "_"): e.title for e in toc},
        "feedback_rate": _feedback_rate(snapshot["feedback"])
        if (snapshot.get("feedback") or {}).get("answered")
        else "",
        "watermark": "" if is_final else _("DRAFT"),
    }


def render_document_html(
    *, snapshot: dict, sections: list[dict], version: int | None, is_final: bool
) -> tuple[str, str]:
    """The full HTML document for WeasyPrint, and its base URL (the static directory)."""
    css_path = Path(finders.find(REPORT_CSS))
    with translation.override(snapshot["language"]):
        context = build_context(
            snapshot=snapshot, sections=sections, version=version, is_final=is_final
        )
        context["css_url"] = css_path.as_uri()
        context["footer_content"] = mark_safe(page_counter_css())  # noqa: S308 - CSS tokens
        html = render_to_string("meetings/reports/document_pdf.html", context)
    return html, css_path.parent.as_uri() + "/"


def render_pdf(
    *, snapshot: dict, sections: list[dict], version: int | None, is_final: bool
) -> bytes:
    """The PDF: tagged PDF/UA-1 for drafts, PDF/A-3b for the final version."""

    html, base_url = render_document_html(
        snapshot=snapshot, sections=sections, version=version, is_final=is_final
    )
    return html_to_pdf(html, base_url=base_url, variant="pdf/a-3b" if is_final else "pdf/ua-1")


# --- DOCX -------------------------------------------------------------------------------------

INLINE_MARKUP = re.compile(r"(\*\*[^*]+\*\*|__[^_]+__|\*[^*]+\*|_[^_]+_|`[^`]+`)")


def _docx_inline(paragraph, text: str) -> None:
    for part in INLINE_MARKUP.split(text):
        if not part:
            continue
        if part[:2] in ("**", "__"):
            paragraph.add_run(part[2:-2]).bold = True
        elif part[0] in "*_" and len(part) > 2:
            paragraph.add_run(part[1:-1]).italic = True
        elif part[0] == "`":
            paragraph.add_run(part[1:-1])
        else:
            paragraph.add_run(re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", part))


def _docx_markdown(document, text: str) -> None:
    """A small Markdown subset for Word: paragraphs, bullets, numbered lists, headings."""
    for block in re.split(r"\n\s*\n", text.strip()):
        for line in block.splitlines() if re.match(r"^\s*([-*+]|\d+\.)\s", block) else [block]:
            stripped = line.strip()
            if not stripped:
                continue
            if match := re.match(r"^[-*+]\s+(.*)", stripped):
                _docx_inline(document.add_paragraph(style="List Bullet"), match.group(1))
            elif match := re.match(r"^\d+\.\s+(.*)", stripped):
                _docx_inline(document.add_paragraph(style="List Number"), match.group(1))
            elif match := re.match(r"^#+\s+(.*)", stripped):
                document.add_heading(match.group(1), level=4)
            else:
                _docx_inline(document.add_paragraph(), " ".join(stripped.splitlines()))


def _docx_table(document, header: list[str], rows: list[list], numeric: set[int] = frozenset()):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.text = str(text)
            if index in numeric:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _docx_picture(document, chart: charts.Chart) -> None:
    from docx.shared import Cm

    document.add_picture(io.BytesIO(charts.chart_png(chart)), width=Cm(15))
    # Alt text: the picture's non-visual properties (wp:docPr/@descr).
    inline = document.inline_shapes[-1]._inline
    inline.docPr.set("descr", chart.alt)
    inline.docPr.set("title", chart.title)


def _docx_toc(document) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), 'TOC \\o "1-2" \\h \\z \\u')
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = _("Update this field (F9) to show the table of contents.")
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _feedback_rate(feedback: dict) -> str:
    rate = _("%(answered)s of %(asked)s attendees gave feedback (%(rate)s %%), anonymously.") % {
        "answered": feedback["answered"],
        "asked": feedback["asked"],
        "rate": feedback["rate"],
    }
    count = feedback["open_count"]
    if not count:
        return rate
    open_answers = ngettext(
        "%(count)s open answer is not reproduced here.",
        "%(count)s open answers are not reproduced here.",
        count,
    ) % {"count": count}
    return f"{rate} {open_answers}"


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def render_docx(
    *, snapshot: dict, sections: list[dict], version: int | None, is_final: bool
) -> bytes:
    """The DOCX: the same sections, tables and charts (as PNG with alt text) as the PDF."""
    import docx
    from docx.enum.section import WD_SECTION
    from docx.shared import Cm, Pt

    with translation.override(snapshot["language"]):
        c = build_context(
            snapshot=snapshot, sections=sections, version=version, is_final=is_final,
            with_charts=False,
        )  # fmt: skip
        s = snapshot
        document = docx.Document()
        document.core_properties.title = s["round"]["title"]
        document.core_properties.author = _("Coordinator")
        document.core_properties.language = s["language"]
        section = document.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        for side in ("left_margin", "right_margin"):
            setattr(section, side, Cm(2.2))
        style = document.styles["Normal"]
        style.font.name = "DejaVu Sans"
        style.font.size = Pt(10)
        header_text = s["round"]["title"]
        if c["watermark"]:
            header_text = f"{c['watermark']} · {header_text}"
        section.header.paragraphs[0].text = header_text

        # Title page
        document.add_paragraph(_("Consultation report"))
        document.add_heading(s["round"]["title"], level=0)
        if s["round"]["first_date"]:
            document.add_paragraph(
                s["round"]["first_date"]
                if s["round"]["first_date"] == s["round"]["last_date"]
                else f"{s['round']['first_date']} – {s['round']['last_date']}"
            )
        status = _("Final version") if is_final else _("Draft")
        document.add_paragraph(
            _("Version %(version)s · %(status)s · generated on %(date)s")
            % {"version": version or "–", "status": status, "date": s["generated_at"]}
        )
        if s["round"]["facilitators"]:
            document.add_paragraph(
                _("Facilitators: %(names)s") % {"names": ", ".join(s["round"]["facilitators"])}
            )
        if s["missing"]:
            document.add_heading(
                _("Limitations of the data") if is_final else _("What this draft still lacks"),
                level=2,
            )
            for message in s["missing"]:
                document.add_paragraph(message, style="List Bullet")
        document.add_page_break()
        document.add_heading(_("Contents"), level=1)
        _docx_toc(document)
        document.add_page_break()

        # 1. Introduction
        document.add_heading(c["headings"]["introduction"], level=1)
        intro = next((x for x in sections if x["key"] == "introduction"), None)
        if intro:
            _docx_markdown(document, intro["text"])
        document.add_heading(_("Purpose of the round"), level=3)
        document.add_paragraph(s["round"]["purpose"] or _("No purpose recorded."))
        document.add_heading(_("Themes"), level=3)
        for theme in s["round"]["themes"]:
            document.add_paragraph(theme, style="List Bullet")
        if not s["round"]["themes"]:
            document.add_paragraph(_("No themes recorded."))

        # 2. Methodology
        document.add_heading(c["headings"]["methodology"], level=1)
        document.add_heading(c["headings"]["sessions"], level=2)
        if s["sessions"]:
            _docx_table(
                document,
                [_("Session"), _("Date"), _("Time"), _("Format"), _("Language"),
                 _("Duration (min)"), _("Facilitator")],
                [[x["title"], x["date"], x["time"], x["format"], x["language"],
                  x["duration_minutes"], x["facilitator"]] for x in s["sessions"]],
                {5},
            )  # fmt: skip
        else:
            document.add_paragraph(_("The round has no sessions yet."))
        document.add_heading(c["headings"]["draw"], level=2)
        draws = [x for x in s["sessions"] if x["draw"]]
        if draws:
            _docx_table(
                document,
                [_("Session"), _("Pool size"), _("Seats"), _("Balance criteria"), _("Seed")],
                [[x["title"], x["draw"]["pool_size"], x["draw"]["seats"],
                  ", ".join(x["draw"]["criteria"]) or "—", x["draw"]["seed"]] for x in draws],
                {1, 2},
            )  # fmt: skip
        else:
            document.add_paragraph(_("No panel draw is recorded for the sessions."))
        document.add_heading(c["headings"]["participation"], level=2)
        if s["sessions"]:
            rows = [[x["title"], x["counts"]["invited"], x["counts"]["accepted"],
                     x["counts"]["attended"]] for x in s["sessions"]]  # fmt: skip
            totals = s["totals"]
            rows.append([_("Total"), totals.get("invited", 0), totals.get("accepted", 0),
                         totals.get("attended", 0)])  # fmt: skip
            _docx_table(
                document, [_("Session"), _("Invited"), _("Accepted"), _("Attended")], rows,
                {1, 2, 3},
            )  # fmt: skip
        document.add_paragraph(
            _("Participating organisations: %(count)s") % {"count": s["participants"]["count"]}
        )
        document.add_heading(c["headings"]["profile"], level=2)
        if s["participants"]["count"]:
            for dimension in s["participants"]["profile"]:
                document.add_heading(dimension["title"], level=3)
                chart = charts.profile_chart(dimension)
                if chart:
                    _docx_picture(document, chart)
                _docx_table(
                    document,
                    ["", _("Participants"), _("Share"), _("Pool"), _("Pool share")],
                    [[r["label"], r["count"], _pct(r["share"]), r["pool_count"],
                      _pct(r["pool_share"])] for r in dimension["rows"]],
                    {1, 2, 3, 4},
                )  # fmt: skip
        else:
            document.add_paragraph(_("No attendance is recorded, so there is no profile yet."))
        document.add_heading(c["headings"]["feedback"], level=2)
        feedback = s.get("feedback") or {}
        if feedback.get("answered"):
            document.add_paragraph(_feedback_rate(feedback))
            _docx_table(
                document,
                [_("Question"), pgettext("feedback rating", "Yes"),
                 pgettext("feedback rating", "Partly"), pgettext("feedback rating", "No")],
                [[q["text"], q["yes"], q["partly"], q["no"]] for q in feedback["questions"]],
                {1, 2, 3},
            )  # fmt: skip
        else:
            document.add_paragraph(_("No feedback was given on the sessions yet."))

        # 3. Survey context
        document.add_heading(c["headings"]["survey"], level=1)
        if not s["survey"]["questions"]:
            document.add_paragraph(
                _("No survey questions are linked to the round or its agenda items.")
            )
        elif not s["survey"]["responses"]:
            document.add_paragraph(_("No survey responses have been imported."))
        for question in s["survey"]["questions"] if s["survey"]["responses"] else []:
            document.add_heading(f"Q{question['number']}. {question['text']}", level=3)
            for chart in charts.question_charts(question):
                _docx_picture(document, chart)
            if question["kind"] == "open":
                document.add_paragraph(
                    _("%(count)s open answers (not reproduced in this report).")
                    % {"count": question["open_count"]}
                )

        # 4. Results per theme
        document.add_heading(c["headings"]["results"], level=1)
        if not c["themes"]:
            document.add_paragraph(_("No agenda items or minutes are recorded yet."))
        for theme in c["themes"]:
            document.add_heading(f"{theme['number']} {theme['theme']}", level=2)
            key = f"theme:{theme['key']}"
            summary = next((x for x in sections if x["key"] == key), None)
            if summary and summary["text"].strip():
                _docx_markdown(document, summary["text"])
            if not theme["items"]:
                document.add_paragraph(_("No agenda item of the sessions took up this theme."))
            for item in theme["items"]:
                document.add_heading(f"{item['title']} ({item['session']}, {item['session_date']})",
                                     level=3)  # fmt: skip
                if item["is_draft"]:
                    document.add_paragraph().add_run(
                        _("From minutes not yet approved (draft).")
                    ).italic = True
                if item["notes"]:
                    _docx_markdown(document, item["notes"])
                elif not item["minutes_status"]:
                    document.add_paragraph(_("No minutes are recorded for this session."))
                for decision in item["decisions"]:
                    _docx_inline(document.add_paragraph(style="List Bullet"),
                                 _("Decision: %(text)s") % {"text": decision})  # fmt: skip

        # 5. Conclusions, 6. Next steps
        document.add_heading(c["headings"]["conclusions"], level=1)
        conclusions = next((x for x in sections if x["key"] == "conclusions"), None)
        if conclusions:
            _docx_markdown(document, conclusions["text"])
        document.add_heading(c["headings"]["next_steps"], level=1)
        if s["actions"]:
            _docx_table(
                document,
                [_("Action"), _("Owner organisation"), _("Due date"), _("Status")],
                [[a["description"], a["owner"] or "—", a["due_date"] or "—", a["status_label"]]
                 for a in s["actions"]],
            )  # fmt: skip
        else:
            document.add_paragraph(_("No action items were recorded in the sessions."))

        # Annex
        new_section = document.add_section(WD_SECTION.NEW_PAGE)
        new_section.header.is_linked_to_previous = True
        document.add_heading(c["headings"]["annex"], level=1)
        document.add_heading(c["headings"]["annex_agendas"], level=2)
        for agenda in s["annex_agendas"]:
            document.add_heading(f"{agenda['session']} ({agenda['date']})", level=3)
            if agenda["items"]:
                _docx_table(
                    document,
                    ["#", _("Item"), _("Purpose"), _("Minutes"), _("Survey questions")],
                    [[i["position"], i["title"], i["purpose"], i["planned_minutes"],
                      ", ".join(f"Q{n}" for n in i["questions"]) or "—"]
                     for i in agenda["items"]],
                    {0, 3},
                )  # fmt: skip
            else:
                document.add_paragraph(_("No agenda items."))
        document.add_heading(c["headings"]["annex_organisations"], level=2)
        for name in s["participants"]["named"]:
            document.add_paragraph(name, style="List Bullet")
        if s["participants"]["other_count"]:
            document.add_paragraph(_other_organisations(s["participants"]["other_count"]))
        if not s["participants"]["count"]:
            document.add_paragraph(_("No attendance is recorded for the sessions."))
        document.add_heading(c["headings"]["annex_questions"], level=2)
        for question in s["survey"]["questions"]:
            document.add_paragraph(
                f"Q{question['number']}. {question['text']}", style="List Bullet"
            )
        if not s["survey"]["questions"]:
            document.add_paragraph(_("None."))

        buffer = io.BytesIO()
        document.save(buffer)
    return buffer.getvalue()


def _other_organisations(count: int) -> str:

    return ngettext(
        "%(count)s other organisation (not named in reports)",
        "%(count)s other organisations (not named in reports)",
        count,
    ) % {"count": count}
