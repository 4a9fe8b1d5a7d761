"""The few styles we add to ``xl/styles.xml``, by text insertion.

Two differential formats (dxf) for the conditional-format marks, and for our
own sheets a bold header, a hyperlink look and two date formats. A date written
into a user's cell gets a copy of that cell's style (font, fill, border,
alignment) with a date number format, unless its style shows dates already.
Each one is looked up first, so a rerun on an annotated copy reuses what run
one added instead of growing the style table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from addin.report.xlsx.xmltext import (
    ATTRS,
    MAIN_NS,
    XML_DECL,
    children,
    esc_attr,
    find_root,
    parse_attrs,
    prefixed,
)

DXF = {
    # Excel's presets "light red fill with dark red text" and "yellow fill with dark yellow text".
    "error": '<dxf><font><color rgb="FF9C0006"/></font>'
    '<fill><patternFill><bgColor rgb="FFFFC7CE"/></patternFill></fill></dxf>',
    "warning": '<dxf><font><color rgb="FF9C5700"/></font>'
    '<fill><patternFill><bgColor rgb="FFFFEB9C"/></patternFill></fill></dxf>',
}
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
TIME_FORMAT = "hh:mm:ss"
LINK_COLOR = "FF0563C1"

BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
"""Built-in number formats that show dates or times (27–36 and 50–58 are the CJK date formats)."""
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!(?:h+|m+|s+)\])[^\]]*\]')
"""Quoted text, escaped and padding characters, and bracketed colours/locales (not [h] durations)."""

_ORDER = [
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
]

MINIMAL = (
    f'{XML_DECL}<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="0"/><tableStyles count="0"/></styleSheet>'
)
"""A stylesheet for packages that have none (and for new workbooks)."""


@dataclass(frozen=True, slots=True)
class SheetStyles:
    """cellXfs indexes for the cells of our own sheets."""

    header: int = 0
    date: int = 0
    datetime: int = 0
    time: int = 0
    link: int = 0


def is_date_format(code: str) -> bool:
    """Whether a number format code shows dates or times (has d, m, y, h or s outside literals)."""
    return re.search(r"[dmyhsDMYHS]", _FORMAT_NOISE.sub("", code)) is not None


@dataclass(slots=True)
class _Span:
    start: int
    head_end: int  # end of the start tag
    inner_end: int  # start of the end tag (== head_end for an empty element)
    end: int
    empty: bool


class StyleSheet:
    """``xl/styles.xml`` as text."""

    def __init__(self, text: str) -> None:
        self.text = text
        root = find_root(text)
        if root.prefix_of(MAIN_NS) is None and root.ns.get("") != MAIN_NS:
            raise ValueError("not a SpreadsheetML stylesheet")
        self.root = root
        self.p = root.prefix

    def _q(self, local: str) -> str:
        return f"{self.p}:{local}" if self.p else local

    def _span(self, local: str) -> _Span | None:
        m = re.search(rf"<{self._q(local)}\b{ATTRS}\s*(/?)>", self.text)
        if m is None:
            return None
        if m[1]:
            return _Span(m.start(), m.end(), m.end(), m.end(), True)
        end_tag = f"</{self._q(local)}>"
        inner_end = self.text.index(end_tag, m.end())
        return _Span(m.start(), m.end(), inner_end, inner_end + len(end_tag), False)

    def _ensure_container(self, local: str) -> _Span:
        span = self._span(local)
        if span is not None:
            return span
        at = None
        for later in _ORDER[_ORDER.index(local) + 1 :]:
            found = self._span(later)
            if found is not None:
                at = found.start
                break
        if at is None:
            at = self.text.rindex(self.root.end_tag())
        self.text = f'{self.text[:at]}<{self._q(local)} count="0"/>{self.text[at:]}'
        span = self._span(local)
        assert span is not None
        return span

    def _children(self, span: _Span, child: str) -> list[re.Match[str]]:
        return list(re.finditer(rf"<{self._q(child)}\b", self.text[span.head_end : span.inner_end]))

    def add(self, container: str, child: str, fragment: str, *, raw: bool = False) -> int:
        """The index of ``fragment`` in ``container``, appended if missing.

        ``fragment`` is unprefixed XML of ours, or (``raw``) already carries the file's prefix.
        """
        if not raw:
            fragment = prefixed(fragment, self.p)
        span = self._ensure_container(container)
        inner = self.text[span.head_end : span.inner_end]
        found = inner.find(fragment)
        if found >= 0:
            return len(re.findall(rf"<{self._q(child)}\b", inner[:found]))
        index = len(self._children(span, child))
        head = self.text[span.start : span.head_end]
        head = re.sub(r'\bcount="\d*"', f'count="{index + 1}"', head, count=1)
        if span.empty:
            head = re.sub(r"\s*/>$", ">", head)
            new = f"{head}{fragment}</{self._q(container)}>"
            self.text = self.text[: span.start] + new + self.text[span.end :]
        else:
            self.text = self.text[: span.start] + head + inner + fragment + self.text[span.inner_end :]
        return index

    def find(self, container: str, child: str, fragment: str) -> int | None:
        """The index of ``fragment`` in ``container`` if it is there already."""
        span = self._span(container)
        if span is None:
            return None
        inner = self.text[span.head_end : span.inner_end]
        found = inner.find(prefixed(fragment, self.p))
        return None if found < 0 else len(re.findall(rf"<{self._q(child)}\b", inner[:found]))

    def add_numfmt(self, code: str) -> int:
        span = self._ensure_container("numFmts")
        inner = self.text[span.head_end : span.inner_end]
        ids = [163]
        for m in re.finditer(rf"<{self._q('numFmt')}\b({ATTRS})", inner):
            a = parse_attrs(m[1])
            if a.get("formatCode") == code and a.get("numFmtId", "").isdigit():
                return int(a["numFmtId"])
            if a.get("numFmtId", "").isdigit():
                ids.append(int(a["numFmtId"]))
        new_id = max(ids) + 1
        self.add("numFmts", "numFmt", f'<numFmt numFmtId="{new_id}" formatCode="{esc_attr(code)}"/>')
        return new_id

    def _base_font_inner(self) -> str:
        """The children of font 0 (the workbook's default font), prefixed as in the file."""
        span = self._span("fonts")
        if span is None:
            return ""
        inner = self.text[span.head_end : span.inner_end]
        m = re.search(rf"<{self._q('font')}\b{ATTRS}\s*(/?)>", inner)
        if m is None or m[1]:
            return ""
        return inner[m.end() : inner.index(f"</{self._q('font')}>", m.end())]

    def sheet_styles(self) -> SheetStyles:
        base = self._base_font_inner()
        plain_base = re.sub(rf"<{self._q('color')}\b[^>]*/>", "", base)
        bold = self._font(prefixed("<b/>", self.p) + base)
        link = self._font(plain_base + prefixed(f'<u/><color rgb="{LINK_COLOR}"/>', self.p))
        date_fmt = self.add_numfmt(DATE_FORMAT)
        datetime_fmt = self.add_numfmt(DATETIME_FORMAT)
        time_fmt = self.add_numfmt(TIME_FORMAT)
        return SheetStyles(
            header=self._xf(0, bold, "applyFont"),
            date=self._xf(date_fmt, 0, "applyNumberFormat"),
            datetime=self._xf(datetime_fmt, 0, "applyNumberFormat"),
            time=self._xf(time_fmt, 0, "applyNumberFormat"),
            link=self._xf(0, link, "applyFont"),
        )

    def _font(self, inner: str) -> int:
        """A font from children that already carry the file's prefix."""
        whole = f"{prefixed('<font>', self.p)}{inner}{prefixed('</font>', self.p)}"
        return self.add("fonts", "font", whole, raw=True)

    def _xf(self, numfmt: int, font: int, apply: str) -> int:
        cell_style_xfs = self._span("cellStyleXfs")
        has_style_xf = cell_style_xfs is not None and bool(self._children(cell_style_xfs, "xf"))
        xf_id = ' xfId="0"' if has_style_xf else ""
        fragment = f'<xf numFmtId="{numfmt}" fontId="{font}" fillId="0" borderId="0"{xf_id} {apply}="1"/>'
        return self.add("cellXfs", "xf", fragment)

    def mark_styles(self) -> dict[str, int]:
        """dxf index per severity, added when missing."""
        return {severity: self.add("dxfs", "dxf", xml) for severity, xml in DXF.items()}

    def existing_mark_styles(self) -> set[int]:
        """dxf indexes of our marks that a previous run left in this stylesheet."""
        return {i for xml in DXF.values() if (i := self.find("dxfs", "dxf", xml)) is not None}

    def _cell_xfs(self) -> list[str]:
        """The ``<xf>`` elements of ``cellXfs``, as written in the file."""
        span = self._span("cellXfs")
        if span is None or span.empty:
            return []
        elements, _ = children(self.text, span.head_end, span.inner_end)
        return [self.text[el.start : el.end] for el in elements if el.local == "xf"]

    def _number_format_code(self, numfmt_id: int) -> str | None:
        span = self._span("numFmts")
        if span is None:
            return None
        for m in re.finditer(rf"<{self._q('numFmt')}\b({ATTRS})", self.text[span.head_end : span.inner_end]):
            a = parse_attrs(m[1])
            if a.get("numFmtId") == str(numfmt_id):
                return a.get("formatCode", "")
        return None

    def shows_dates(self, xf: str) -> bool:
        """Whether a cellXfs ``<xf>`` has a date or time number format."""
        found = re.match(rf"<{self._q('xf')}\b({ATTRS})", xf)
        numfmt = parse_attrs(found[1]).get("numFmtId", "0") if found else "0"
        if not numfmt.isdigit():
            return False
        code = self._number_format_code(int(numfmt))
        return is_date_format(code) if code is not None else int(numfmt) in BUILTIN_DATE_FORMATS

    def with_number_format(self, xf_index: int, code: str) -> int:
        """A cellXfs index that looks like ``xf_index`` but shows values with format ``code``.

        ``xf_index`` itself when it shows dates already (the user's own date
        format wins); a copy of it with the new format otherwise; our plain
        style for ``code`` when the index does not exist.
        """
        xfs = self._cell_xfs()
        if not 0 <= xf_index < len(xfs):
            return self._xf(self.add_numfmt(code), 0, "applyNumberFormat")
        xf = xfs[xf_index]
        if self.shows_dates(xf):
            return xf_index
        numfmt = self.add_numfmt(code)
        head_end = re.match(rf"<{self._q('xf')}\b{ATTRS}", xf)
        assert head_end is not None
        head, rest = xf[: head_end.end()], xf[head_end.end() :]
        for name, value in (("numFmtId", str(numfmt)), ("applyNumberFormat", "1")):
            attr = re.compile(rf"""\s{name}\s*=\s*(?:"[^"]*"|'[^']*')""")
            head = attr.sub(f' {name}="{value}"', head, count=1) if attr.search(head) else f'{head} {name}="{value}"'
        return self.add("cellXfs", "xf", head + rest, raw=True)
