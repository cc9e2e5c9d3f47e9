"""A small XLSX (SpreadsheetML) writer: sheets of values with a few cell styles, frozen header
rows, column widths, merged cells and an auto filter. Nothing else.

The digest's workbook has a cell for every task and column (160,000 for a province), each with a
border and wrapping. openpyxl builds, styles and serialises an object per cell, which took most
of `digest --format xlsx` and most of its memory (even in its write-only mode, 15 µs a cell).
Here a row is a few formatted strings, the styles are a table written once, and the zip is
deflated as it is written.

Every text is written as an inline string, never as a formula: a task title such as
`=HYPERLINK("…")` (titles come from imported documents) stays text. A text Excel would take for
a formula when the cell is edited (`=`, `+`, `-`, `@`, tab, carriage return first) also gets the
"quote prefix" style flag, the apostrophe Excel shows in the formula bar, so it stays text then.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from xml.sax.saxutils import escape, quoteattr

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make Excel read a typed text as a formula (OWASP, CSV/formula injection)."""
_EPOCH = dt.datetime(1899, 12, 30)
_SECONDS_PER_DAY = 86400
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters XML 1.0 cannot hold: dropped rather than making the file unreadable."""
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class CellStyle:
    bold: bool = False
    size: int = 11
    fill: str | None = None
    """Solid background, RGB hex (`DDEBF7`)."""
    border: str | None = None
    """Thin border on every side, RGB hex."""
    wrap: bool = False
    horizontal: str | None = None
    vertical: str | None = None
    number_format: str | None = None
    quote_prefix: bool = False


Value = str | int | float | dt.date | None
Cell = tuple[Value, CellStyle]


def column_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Sheet:
    name: str
    """At most 31 characters, none of []:*?/\\, unique in the workbook (the caller's job)."""
    widths: Sequence[float] = ()
    frozen_rows: int = 0
    merged: list[str] = field(default_factory=list)
    auto_filter: str | None = None
    rows: list[str] = field(default_factory=list)
    """Each row's XML, added by `Workbook.append`."""
    columns: int = 0


class Workbook:
    def __init__(self) -> None:
        self.sheets: list[Sheet] = []
        self._styles: dict[CellStyle, int] = {CellStyle(): 0}
        self._letters = [column_letter(index) for index in range(1, 27)]

    def sheet(self, name: str, *, widths: Sequence[float] = (), frozen_rows: int = 0) -> Sheet:
        added = Sheet(name, widths, frozen_rows)
        self.sheets.append(added)
        return added

    def append(self, sheet: Sheet, cells: Sequence[Cell], *, height: float | None = None) -> None:
        number = len(sheet.rows) + 1
        sheet.columns = max(sheet.columns, len(cells))
        parts = [f'<row r="{number}"' + (f' ht="{height:g}" customHeight="1">' if height else ">")]
        for index, (value, style) in enumerate(cells):
            letter = self._letters[index] if index < 26 else column_letter(index + 1)
            parts.append(self._cell(f"{letter}{number}", value, style))
        parts.append("</row>")
        sheet.rows.append("".join(parts))

    def _cell(self, where: str, value: Value, style: CellStyle) -> str:
        if isinstance(value, str):
            text = _ILLEGAL.sub("", value)
            if text.startswith(FORMULA_START) and not style.quote_prefix:
                style = replace(style, quote_prefix=True)
            space = ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""
            escaped = escape(text, {"\r": "&#13;"})
            return (
                f'<c r="{where}" s="{self._style(style)}" t="inlineStr"><is><t{space}>{escaped}</t></is></c>'
            )
        if value is None:
            return f'<c r="{where}" s="{self._style(style)}"/>'
        if isinstance(value, bool):
            return f'<c r="{where}" s="{self._style(style)}" t="b"><v>{int(value)}</v></c>'
        if isinstance(value, dt.datetime):
            serial: float = _serial(value)
            return f'<c r="{where}" s="{self._style(style)}"><v>{serial!r}</v></c>'
        if isinstance(value, dt.date):
            return f'<c r="{where}" s="{self._style(style)}"><v>{(value - _EPOCH.date()).days}</v></c>'
        return f'<c r="{where}" s="{self._style(style)}"><v>{value!r}</v></c>'

    def _style(self, style: CellStyle) -> int:
        index = self._styles.get(style)
        if index is None:
            index = self._styles[style] = len(self._styles)
        return index

    def save(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            archive.writestr("[Content_Types].xml", self._content_types())
            archive.writestr("_rels/.rels", _ROOT_RELS)
            archive.writestr("xl/workbook.xml", self._workbook())
            archive.writestr("xl/_rels/workbook.xml.rels", self._workbook_rels())
            archive.writestr("xl/styles.xml", self._stylesheet())
            for number, sheet in enumerate(self.sheets, 1):
                with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
                    for chunk in _worksheet(sheet):
                        part.write(chunk.encode("utf-8"))
        return buffer.getvalue()

    # The package parts -------------------------------------------------------------------------

    def _content_types(self) -> str:
        sheets = "".join(
            f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for number in range(1, len(self.sheets) + 1)
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{sheets}</Types>"
        )

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(sheet.name)} sheetId="{number}" r:id="rId{number}"/>'
            for number, sheet in enumerate(self.sheets, 1)
        )
        # Excel keeps each auto filter's range in a hidden defined name as well.
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{number}" hidden="1">'
            f"{escape(_quoted_sheet(sheet.name))}!{_absolute(sheet.auto_filter)}</definedName>"
            for number, sheet in enumerate(self.sheets)
            if sheet.auto_filter
        )
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews>'
            f"<sheets>{sheets}</sheets>"
            + (f"<definedNames>{names}</definedNames>" if names else "")
            + "</workbook>"
        )

    def _workbook_rels(self) -> str:
        sheets = "".join(
            f'<Relationship Id="rId{number}" Type="{_RELS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
            for number in range(1, len(self.sheets) + 1)
        )
        styles = len(self.sheets) + 1
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{sheets}<Relationship Id="rId{styles}" Type="{_RELS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        )

    def _stylesheet(self) -> str:
        """The cell styles used, in the order of their indices; fonts, fills, borders and number
        formats each listed once."""
        fonts: dict[tuple[bool, int], int] = {}
        fills: dict[str | None, int] = {None: 0}  # 0 and 1 are reserved by the format
        borders: dict[str | None, int] = {None: 0}
        formats: dict[str, int] = {}
        xfs: list[str] = []
        for style in self._styles:  # insertion order is index order
            font = fonts.setdefault((style.bold, style.size), len(fonts))
            fill = fills.setdefault(style.fill, len(fills) + 1)
            border = borders.setdefault(style.border, len(borders))
            number = formats.setdefault(style.number_format, 164 + len(formats)) if style.number_format else 0
            alignment = "".join(
                f' {name}="{value}"'
                for name, value in (
                    ("horizontal", style.horizontal),
                    ("vertical", style.vertical),
                    ("wrapText", "1" if style.wrap else None),
                )
                if value
            )
            xfs.append(
                f'<xf numFmtId="{number}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
                + (' applyNumberFormat="1"' if number else "")
                + (' applyFont="1"' if font else "")
                + (' applyFill="1"' if fill else "")
                + (' applyBorder="1"' if border else "")
                + (' quotePrefix="1"' if style.quote_prefix else "")
                + (f' applyAlignment="1"><alignment{alignment}/></xf>' if alignment else "/>")
            )
        number_formats = "".join(
            f'<numFmt numFmtId="{number}" formatCode={quoteattr(code)}/>' for code, number in formats.items()
        )
        font_list = "".join(
            f'<font>{"<b/>" if bold else ""}<sz val="{size}"/><name val="Calibri"/><family val="2"/></font>'
            for bold, size in fonts
        )
        fill_list = (
            '<fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
        )
        fill_list += "".join(
            f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb}"/><bgColor indexed="64"/>'
            "</patternFill></fill>"
            for rgb in fills
            if rgb is not None
        )
        border_list = "".join(_border(rgb) for rgb in borders)
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<styleSheet xmlns="{_MAIN}">'
            + (f'<numFmts count="{len(formats)}">{number_formats}</numFmts>' if formats else "")
            + f'<fonts count="{len(fonts)}">{font_list}</fonts>'
            f'<fills count="{len(fills) + 1}">{fill_list}</fills>'
            f'<borders count="{len(borders)}">{border_list}</borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        )


def _serial(moment: dt.datetime) -> float:
    """Excel's serial day number (1900 system) of a naive local datetime, as openpyxl counts it."""
    delta = moment - _EPOCH
    return delta.days + (delta.seconds + delta.microseconds / 1e6) / _SECONDS_PER_DAY


def _border(rgb: str | None) -> str:
    if rgb is None:
        return "<border><left/><right/><top/><bottom/><diagonal/></border>"
    side = f'style="thin"><color rgb="FF{rgb}"/>'
    return (
        f"<border><left {side}</left><right {side}</right><top {side}</top><bottom {side}</bottom>"
        "<diagonal/></border>"
    )


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def _absolute(reference: str | None) -> str:
    """`A2:G5` → `$A$2:$G$5`."""
    return ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", part) for part in (reference or "").split(":"))


def _worksheet(sheet: Sheet) -> Iterator[str]:
    """The sheet's XML, in the element order the format requires."""
    last = f"{column_letter(max(sheet.columns, 1))}{max(len(sheet.rows), 1)}"
    yield (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}"><dimension ref="A1:{last}"/>'
    )
    if sheet.frozen_rows:
        top = f"A{sheet.frozen_rows + 1}"
        yield (
            '<sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{sheet.frozen_rows}" topLeftCell="{top}" '
            f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
            f'sqref="{top}"/></sheetView></sheetViews>'
        )
    else:
        yield '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
    yield '<sheetFormatPr defaultRowHeight="15"/>'
    if sheet.widths:
        yield (
            "<cols>"
            + "".join(
                f'<col min="{number}" max="{number}" width="{width:g}" customWidth="1"/>'
                for number, width in enumerate(sheet.widths, 1)
            )
            + "</cols>"
        )
    yield "<sheetData>"
    for start in range(0, len(sheet.rows), 1000):
        yield "".join(sheet.rows[start : start + 1000])
    yield "</sheetData>"
    if sheet.auto_filter:
        yield f'<autoFilter ref="{sheet.auto_filter}"/>'
    if sheet.merged:
        cells = "".join(f'<mergeCell ref="{reference}"/>' for reference in sheet.merged)
        yield f'<mergeCells count="{len(sheet.merged)}">{cells}</mergeCells>'
    yield '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
