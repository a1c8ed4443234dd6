"""Markdown in Word: the sanitised HTML that ``render_markdown`` gives the pages and PDFs,
written into a python-docx document as Word formatting (bold, italic, code, links, headings,
bulleted and numbered lists, quotes, line breaks, tables). One source of truth for Markdown:
what the PDF shows, the DOCX shows."""

from __future__ import annotations

from html.parser import HTMLParser

from meetings.formats.markdown import render_markdown

HEADING_LEVELS = {"h3": 3, "h4": 4, "h5": 5, "h6": 6}
BLOCKS = {"p", "li", "blockquote", "pre", *HEADING_LEVELS}


def _hyperlink(paragraph, url: str, text: str, *, bold=False, italic=False) -> None:
    """A real Word hyperlink (python-docx has no API for it: the w:hyperlink element)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rel_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    colour = OxmlElement("w:color")
    colour.set(qn("w:val"), "0563C1")
    props.append(colour)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    props.append(underline)
    for flag, tag in ((bold, "w:b"), (italic, "w:i")):
        if flag:
            props.append(OxmlElement(tag))
    run.append(props)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


class _WordWriter(HTMLParser):
    def __init__(self, container):
        super().__init__(convert_charrefs=True)
        self.container = container  # a Document or a table cell
        self.paragraph = None
        self.bold = self.italic = self.code = 0
        self.link: str | None = None
        self.lists: list[str] = []
        self.quote = 0
        self.table = None
        self.row_cells: list = []
        self.cell = None
        self.saved = None

    # --- paragraphs
    def _style(self, tag: str) -> str | None:
        if tag == "li" and self.lists:
            kind = "List Number" if self.lists[-1] == "ol" else "List Bullet"
            depth = min(len(self.lists), 3)
            return kind if depth == 1 else f"{kind} {depth}"
        if tag == "blockquote" or (self.quote and tag == "p"):
            return "Quote"
        return None

    def _new_paragraph(self, tag: str = "p"):
        target = self.cell or self.container
        if tag in HEADING_LEVELS and hasattr(target, "add_heading"):
            self.paragraph = target.add_heading("", level=HEADING_LEVELS[tag])
            return self.paragraph
        style = self._style(tag)
        if self.cell is not None:
            self.paragraph = (
                self.cell.paragraphs[0] if not self.cell.paragraphs[0].text else None
            ) or self.cell.add_paragraph()
        else:
            self.paragraph = target.add_paragraph(style=style) if style else target.add_paragraph()
        return self.paragraph

    def _current(self):
        return self.paragraph if self.paragraph is not None else self._new_paragraph()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("ul", "ol"):
            self.lists.append(tag)
            self.paragraph = None
        elif tag == "blockquote":
            self.quote += 1
            self.paragraph = None
        elif tag in BLOCKS:
            self._new_paragraph(tag)
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.link = attributes.get("href") or None
        elif tag == "br":
            self._current().add_run().add_break()
        elif tag == "table":
            self.table = None
            self.saved = self.container
        elif tag == "tr":
            self.row_cells = []
        elif tag in ("td", "th"):
            self.row_cells.append([])
            self.cell = None
            self.paragraph = None
            self._cell_text = self.row_cells[-1]
        elif tag == "hr":
            self.paragraph = None

    def handle_endtag(self, tag):
        if tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self.paragraph = None
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.paragraph = None
        elif tag in BLOCKS:
            self.paragraph = None
        elif tag in ("strong", "b"):
            self.bold = max(0, self.bold - 1)
        elif tag in ("em", "i"):
            self.italic = max(0, self.italic - 1)
        elif tag == "code":
            self.code = max(0, self.code - 1)
        elif tag == "a":
            self.link = None
        elif tag == "tr":
            self._write_row()
        elif tag in ("td", "th"):
            self._cell_text = None
        elif tag == "table":
            self.table = None

    def _write_row(self):
        texts = ["".join(parts).strip() for parts in self.row_cells]
        if not texts:
            return
        if self.table is None:
            self.table = self.container.add_table(rows=0, cols=len(texts))
            self.table.style = "Table Grid"
        cells = self.table.add_row().cells
        for cell, text in zip(cells, texts, strict=False):
            cell.text = text

    def handle_data(self, data):
        if getattr(self, "_cell_text", None) is not None:
            self._cell_text.append(data)
            return
        if not data.strip() and self.paragraph is None:
            return
        paragraph = self._current()
        if self.link:
            _hyperlink(paragraph, self.link, data, bold=bool(self.bold), italic=bool(self.italic))
            return
        run = paragraph.add_run(data)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "DejaVu Sans Mono"


def docx_markdown(container, text: str, *, top_heading: int = 3) -> None:
    """Write Markdown ``text`` into ``container`` (a python-docx Document) as Word
    formatting, from the same sanitised HTML as pages and PDFs."""
    html = str(render_markdown(text, top_heading=top_heading))
    if not html:
        return
    writer = _WordWriter(container)
    writer.feed(html)
    writer.close()
