"""Render the hand-written layout sources in src/ into the PDF and DOCX files of the quality set.

Run by hand (`.venv/bin/python bench/eval/resumes/render.py`); the rendered files are committed,
so tests and the benchmark never depend on this script or on fpdf2 and the system fonts.
It only lays text out the way a word processor would (wrapping, two columns, rules drawn as
lines, bullets as glyphs); it knows nothing about how TalentSync parses resumes.

Source markup, one directive per line:
  !font NAME            dejavu | dejavu-serif | liberation | helvetica (core font, Latin-1 only)
  !order rows           write the text row by row across columns instead of column by column
  !T text               the name, large and bold
  !S text               a subtitle line (small)
  !H text               a section heading (bold)
  !RULE                 a horizontal line drawn under the previous element (not text)
  !B text               a bold line
  !I text               an italic line
  !R left ||| right     left text with right-aligned text on the same baseline (dates)
  !L glyph ||| text     a bullet paragraph: the glyph, then the text wrapped with a hanging indent
  !P text               a wrapped paragraph
  !GAP                  a little vertical space
  !COLUMNS W            start two columns; the left one W mm wide (sidebar)
  !RIGHT                switch to the right column (starts at the top of the column block)
  !END                  end the two columns (continue below the longer one)
For DOCX sources (first line `!docx`): !T, !H, !P, !B, !L (glyph ignored: Word's List Bullet
style), !N (List Number), !TABLE a ||| b (a two-cell row of a layout table), !R as a tab stop.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
FONTS = {
    "dejavu": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf",
    ),
    "dejavu-serif": (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
    "liberation": (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Italic.ttf",
    ),
}


def _draw(pdf, family: str, cmd: str, text: str, x: float, w: float) -> None:
    size = 10.0
    pdf.set_x(x)
    if cmd == "!T":
        pdf.set_font(family, "B", 18)
        pdf.multi_cell(w, 8, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!S":
        pdf.set_font(family, "", 9)
        pdf.multi_cell(w, 4.6, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!H":
        pdf.ln(2.5)
        pdf.set_x(x)
        pdf.set_font(family, "B", 11.5)
        pdf.multi_cell(w, 6, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!RULE":
        y = pdf.get_y() + 0.5
        pdf.set_draw_color(120, 120, 120)
        pdf.line(x, y, x + w, y)
        pdf.ln(1.5)
    elif cmd == "!B":
        pdf.set_font(family, "B", size)
        pdf.multi_cell(w, 5, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!I":
        pdf.set_font(family, "I", size - 0.5)
        pdf.multi_cell(w, 5, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!R":
        left, _, right = text.partition(" ||| ")
        pdf.set_font(family, "B", size)
        y = pdf.get_y()
        pdf.cell(w - 40, 5, left)
        pdf.set_font(family, "", size - 0.5)
        pdf.set_xy(x + w - 45, y)
        pdf.cell(45, 5, right, align="R", new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!L":
        glyph, _, body = text.partition(" ||| ")
        pdf.set_font(family, "", size)
        y = pdf.get_y()
        pdf.set_xy(x + 2, y)
        pdf.cell(4, 5, glyph)
        pdf.set_xy(x + 6.5, y)
        pdf.multi_cell(w - 6.5, 5, body, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!P":
        pdf.set_font(family, "", size)
        pdf.multi_cell(w, 5, text, new_x="LMARGIN", new_y="NEXT")
    elif cmd == "!GAP":
        pdf.ln(2)
    else:
        raise ValueError(f"unknown directive {cmd!r}")


def _new_pdf():
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, 16)
    pdf.add_page()
    return pdf


def _set_font(pdf, name: str) -> str:
    if name == "helvetica":
        return "helvetica"
    regular, bold, italic = FONTS[name]
    pdf.add_font("rf", "", regular)
    pdf.add_font("rf", "B", bold)
    pdf.add_font("rf", "I", italic)
    return "rf"


def render_pdf(src: Path, out: Path) -> None:
    """Lay the source out; with `!order rows`, write the text in reading order across both columns.

    PDF writers differ: some emit a sidebar before the main column, others emit text row by row
    across columns (as many word processors and online CV builders do). The second pass reproduces
    the latter by drawing the same elements at the same positions, sorted by their top edge.
    """
    lines = [raw for raw in src.read_text(encoding="utf-8").splitlines() if raw.strip()]
    font_name = "dejavu"
    by_rows = False
    pdf = _new_pdf()
    family = "rf"
    col_x, col_w = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin
    block_top = block_bottom = 0.0
    in_cols = False
    placed: list[tuple[int, float, int, float, float, str, str]] = []
    for raw in lines:
        cmd, _, text = raw.partition(" ")
        if cmd == "!font":
            font_name = text
            family = _set_font(pdf, text)
            continue
        if cmd == "!order":
            by_rows = text == "rows"
            continue
        if cmd == "!COLUMNS":
            in_cols = True
            block_top = pdf.get_y()
            col_x, col_w = pdf.l_margin, float(text)
            continue
        if cmd == "!RIGHT":
            block_bottom = max(block_bottom, pdf.get_y())
            col_x = pdf.l_margin + col_w + 7.0
            col_w = pdf.w - pdf.r_margin - col_x
            pdf.set_y(block_top)
            continue
        if cmd == "!END":
            in_cols = False
            pdf.set_y(max(block_bottom, pdf.get_y()) + 3)
            col_x, col_w = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin
            continue
        placed.append((pdf.page, pdf.get_y(), len(placed), col_x, col_w, cmd, text))
        _draw(pdf, family, cmd, text, col_x, col_w)
    if in_cols:
        raise ValueError(f"{src.name}: !COLUMNS without !END")
    if by_rows:
        pdf = _new_pdf()
        family = _set_font(pdf, font_name)
        for page, y, _, x, w, cmd, text in sorted(placed):
            while pdf.page < page:
                pdf.add_page()
            pdf.set_y(y)
            _draw(pdf, family, cmd, text, x, w)
    pdf.output(str(out))


def render_docx(src: Path, out: Path) -> None:
    import docx
    from docx.shared import Pt

    document = docx.Document()
    table = None
    for raw in src.read_text(encoding="utf-8").splitlines()[1:]:
        if not raw.strip():
            continue
        cmd, _, text = raw.partition(" ")
        if cmd == "!T":
            document.add_heading(text, level=0)
        elif cmd == "!H":
            document.add_heading(text, level=1)
        elif cmd == "!P":
            document.add_paragraph(text)
        elif cmd == "!B":
            document.add_paragraph().add_run(text).bold = True
        elif cmd == "!L":
            document.add_paragraph(text.partition(" ||| ")[2] or text, style="List Bullet")
        elif cmd == "!N":
            document.add_paragraph(text, style="List Number")
        elif cmd == "!R":
            left, _, right = text.partition(" ||| ")
            paragraph = document.add_paragraph()
            paragraph.add_run(left).bold = True
            paragraph.add_run("\t" + right)
        elif cmd == "!TABLE":
            left, _, right = text.partition(" ||| ")
            if table is None:
                table = document.add_table(rows=0, cols=2)
            cells = table.add_row().cells
            cells[0].text, cells[1].text = left.replace("\\n", "\n"), right.replace("\\n", "\n")
        elif cmd == "!ENDTABLE":
            table = None
        else:
            raise ValueError(f"{src.name}: unknown directive {raw!r}")
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            run.font.size = run.font.size or Pt(10.5)
    document.save(str(out))


def main(names: list[str]) -> None:
    for src in sorted((HERE / "src").glob("*.txt")):
        if names and src.stem not in names:
            continue
        first = src.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        if first == "!docx":
            render_docx(src, HERE / f"{src.stem}.docx")
        else:
            render_pdf(src, HERE / f"{src.stem}.pdf")
        print("rendered", src.stem)


if __name__ == "__main__":
    main(sys.argv[1:])
