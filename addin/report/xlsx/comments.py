"""Notes on flagged cells: the comments part and its legacy VML drawing.

Excel keeps a note in two places: the text in ``xl/commentsN.xml`` and the
yellow box (position, size, hidden or shown) as a VML shape. The user's own
notes are kept; where one sits on a flagged cell, our reason is appended to it as
a new paragraph starting with :data:`MARKER`. Notes of ours carry the author
:data:`AUTHOR`, so that a rerun on an annotated copy replaces them instead of
stacking a second copy.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable

from addin.report.xlsx.xmltext import (
    ATTRS,
    MAIN_NS,
    XML_DECL,
    apply_edits,
    clean_text,
    col_letters,
    declare_prefix,
    display_width,
    esc_text,
    find_root,
    parse_attrs,
    parse_ref,
    prefixed,
    space_attr,
)

AUTHOR = "整改台账助手"
MARKER = "【整改台账助手】"
VML_NS = "urn:schemas-microsoft-com:vml"
OFFICE_NS = "urn:schemas-microsoft-com:office:office"
EXCEL_NS = "urn:schemas-microsoft-com:office:excel"
SHAPES_PER_BLOCK = 1024
"""VML shape ids come in blocks of 1024, announced by ``<o:idmap data="…">``."""

_RUN_PROPS = (
    '<rPr>{bold}<sz val="9"/><color indexed="81"/><rFont val="宋体"/><family val="3"/><charset val="134"/></rPr>'
)
NEW_COMMENTS = (
    f'{XML_DECL}<comments xmlns="{MAIN_NS}"><authors><author>{AUTHOR}</author></authors>'
    "<commentList></commentList></comments>"
)
NEW_VML = f'<xml xmlns:v="{VML_NS}" xmlns:o="{OFFICE_NS}" xmlns:x="{EXCEL_NS}">\n</xml>'

Cell = tuple[int, int]


def _run(text: str, *, bold: bool = False) -> str:
    props = _RUN_PROPS.format(bold="<b/>" if bold else "")
    return f"<r>{props}<t{space_attr(text)}>{esc_text(text)}</t></r>"


def has_our_notes(comments: str) -> bool:
    return f">{AUTHOR}<" in comments or MARKER in comments


def patch_comments(text: str | None, notes: dict[Cell, str]) -> tuple[str, set[Cell], list[Cell]]:
    """The comments part with our notes, the cells whose old note of ours was dropped, the new cells.

    Our old notes are dropped (and our old paragraphs cut from the user's notes);
    then each cell in ``notes`` gets our text, appended to the user's note if
    the cell has one, else as a new note whose VML box the caller must add.
    """
    text = NEW_COMMENTS if text is None else text
    root = find_root(text)
    q, p = root.q, root.prefix
    edits: list[tuple[int, int, str]] = []

    authors = re.search(rf"<{q('authors')}\b{ATTRS}\s*(/?)>", text)
    if authors is None:
        raise ValueError("comments part without authors")
    names = []
    if not authors[1]:
        authors_end = text.index(f"</{q('authors')}>", authors.end())
        inner = text[authors.end() : authors_end]
        author_re = rf"<{q('author')}\b{ATTRS}\s*(?:/>|>(.*?)</{q('author')}>)"
        names = [html.unescape(m[1] or "") for m in re.finditer(author_re, inner, re.S)]
    ours_before = AUTHOR in names
    our_id = names.index(AUTHOR) if ours_before else len(names)
    if not ours_before:
        element = prefixed(f"<author>{AUTHOR}</author>", p)
        if authors[1]:
            edits.append((authors.start(), authors.end(), f"<{q('authors')}>{element}</{q('authors')}>"))
        else:
            edits.append((authors_end, authors_end, element))

    dropped: set[Cell] = set()
    pending = dict(notes)
    comment_re = rf"<{q('comment')}\b({ATTRS})\s*(?:/>|>(.*?)</{q('comment')}>)"
    for m in re.finditer(comment_re, text, re.S):
        attrs = parse_attrs(m[1])
        cell = parse_ref(attrs.get("ref", "").partition(":")[0])
        if ours_before and attrs.get("authorId") == str(our_id):
            edits.append((m.start(), m.end(), ""))
            if cell:
                dropped.add(cell)
            continue
        body = m[2]
        if body is None:  # <comment .../> without text
            if cell in pending:
                runs = prefixed(f"<text>{_run(MARKER, bold=True)}{_run(clean_text(pending.pop(cell)))}</text>", p)
                edits.append((m.start(), m.end(), f"{m[0][:-2].rstrip()}>{runs}</{q('comment')}>"))
            continue
        new_body = _strip_ours(body, q)
        if cell in pending:
            new_body = _append_ours(new_body, q, p, pending.pop(cell))
        if new_body != body:
            edits.append((m.start(2), m.end(2), new_body))

    added = sorted(pending)
    if added:
        fresh = "".join(
            f'<comment ref="{_ref(cell)}" authorId="{our_id}"><text>'
            f"{_run(AUTHOR + ':', bold=True)}{_run(chr(10) + clean_text(pending[cell]))}</text></comment>"
            for cell in added
        )
        fresh = prefixed(fresh, p)
        empty = re.search(rf"<{q('commentList')}\b{ATTRS}\s*/>", text)
        if empty:
            edits.append((empty.start(), empty.end(), f"<{q('commentList')}>{fresh}</{q('commentList')}>"))
        else:
            end = text.index(f"</{q('commentList')}>")
            edits.append((end, end, fresh))
    return apply_edits(text, edits), dropped, added


def _ref(cell: Cell) -> str:
    return f"{col_letters(cell[1])}{cell[0]}"


def _strip_ours(body: str, q: Callable[[str], str]) -> str:
    """A note's body without the paragraph a previous run appended."""
    at = body.find(MARKER)
    if at < 0:
        return body
    start = body.rfind(f"<{q('r')}>", 0, at)
    if start < 0:
        return body
    ends = [body.find(tag, at) for tag in (f"<{q('rPh')}", f"<{q('phoneticPr')}", f"</{q('text')}>")]
    ends = [e for e in ends if e >= 0]
    return body[:start] + body[min(ends) :] if ends else body


def _append_ours(body: str, q: Callable[[str], str], p: str, note: str) -> str:
    """A user's note body with our paragraph appended to its text."""
    runs = prefixed(_run("\n" + MARKER, bold=True) + _run(clean_text(note)), p)
    ends = [body.find(tag) for tag in (f"<{q('rPh')}", f"<{q('phoneticPr')}", f"</{q('text')}>")]
    ends = [e for e in ends if e >= 0]
    if not ends:
        return prefixed("<text>", p) + runs + prefixed("</text>", p) + body
    at = min(ends)
    return body[:at] + runs + body[at:]


class ShapeIds:
    """VML shape-id blocks not used by any drawing of the package."""

    def __init__(self, used: set[int]) -> None:
        self.used = set(used) | {0}

    def take(self) -> int:
        block = 1
        while block in self.used:
            block += 1
        self.used.add(block)
        return block


def used_blocks(vml: str) -> set[int]:
    """The shape-id blocks a VML drawing uses (from its idmap and its shape ids)."""
    blocks = set()
    for m in re.finditer(r'idmap\b[^>]*?\bdata="([^"]*)"', vml):
        blocks.update(int(x) for x in re.findall(r"\d+", m[1]))
    blocks.update(int(n) // SHAPES_PER_BLOCK for n in re.findall(r"_x0000_s(\d+)", vml))
    return blocks


def patch_vml(text: str | None, add: list[tuple[Cell, str]], drop: set[Cell], ids: ShapeIds) -> str:
    """The VML drawing without the boxes of ``drop`` and with hidden note boxes for ``add``."""
    text = NEW_VML if text is None else text
    root = find_root(text)
    edits: list[tuple[int, int, str]] = []
    v, declared = declare_prefix(root, VML_NS, "v")
    o, declared_o = declare_prefix(root, OFFICE_NS, "o")
    x, declared_x = declare_prefix(root, EXCEL_NS, "x")
    for declaration in (declared, declared_o, declared_x):
        if declaration:
            edits.append(declaration)

    if drop:
        for m in re.finditer(rf"<{v}:shape\b[^>]*>.*?</{v}:shape>", text, re.S):
            shape = m[0]
            row = re.search(rf"<{x}:Row>\s*(\d+)\s*</{x}:Row>", shape)
            col = re.search(rf"<{x}:Column>\s*(\d+)\s*</{x}:Column>", shape)
            if 'ObjectType="Note"' in shape and row and col and (int(row[1]) + 1, int(col[1]) + 1) in drop:
                edits.append((m.start(), m.end(), ""))

    end = text.rindex(root.end_tag())
    if add:
        blocks = [ids.take() for _ in range(math.ceil(len(add) / (SHAPES_PER_BLOCK - 1)))]
        idmap = re.search(rf'<{o}:idmap\b[^>]*?\bdata="([^"]*)"', text)
        data = ",".join(str(b) for b in blocks)
        if idmap:
            old = idmap[1].strip()
            edits.append((idmap.start(1), idmap.end(1), f"{old},{data}" if old else data))
        else:
            idmap_xml = f'<{o}:idmap {v}:ext="edit" data="{data}"/>'
            layout = f'<{o}:shapelayout {v}:ext="edit">{idmap_xml}</{o}:shapelayout>'
            edits.append((root.end, root.end, layout))
        shapes = []
        if 'id="_x0000_t202"' not in text:
            shapes.append(
                f'<{v}:shapetype id="_x0000_t202" coordsize="21600,21600" {o}:spt="202"'
                f' path="m,l,21600r21600,l21600,xe"><{v}:stroke joinstyle="miter"/>'
                f'<{v}:path gradientshapeok="t" {o}:connecttype="rect"/></{v}:shapetype>'
            )
        for i, (cell, note) in enumerate(add):
            block, offset = divmod(i, SHAPES_PER_BLOCK - 1)
            shape_id = blocks[block] * SHAPES_PER_BLOCK + offset + 1
            shapes.append(_shape(v, o, x, shape_id, cell, note))
        edits.append((end, end, "\n".join(shapes) + "\n"))
    return apply_edits(text, edits)


def _shape(v: str, o: str, x: str, shape_id: int, cell: Cell, note: str) -> str:
    """A hidden note box next to the cell, tall enough for the text (shown on hover, as in Excel)."""
    row, col = cell[0] - 1, cell[1] - 1  # VML counts from 0
    lines = 1 + sum(max(1, math.ceil(display_width(line) / 30)) for line in note.split("\n"))
    rows = min(max(lines + 1, 4), 20)
    top = max(row - 1, 0)
    style = (
        f"position:absolute;margin-left:{(col + 1) * 54 + 5}pt;margin-top:{top * 15 + 2}pt;"
        f"width:162pt;height:{rows * 15}pt;z-index:{shape_id % SHAPES_PER_BLOCK};visibility:hidden"
    )
    return (
        f'<{v}:shape id="_x0000_s{shape_id}" type="#_x0000_t202" style="{style}"'
        f' fillcolor="#ffffe1" {o}:insetmode="auto"><{v}:fill color2="#ffffe1"/>'
        f'<{v}:shadow on="t" color="black" obscured="t"/><{v}:path {o}:connecttype="none"/>'
        f'<{v}:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></{v}:textbox>'
        f'<{x}:ClientData ObjectType="Note"><{x}:MoveWithCells/><{x}:SizeWithCells/>'
        f"<{x}:Anchor>{col + 1}, 15, {top}, 10, {col + 4}, 15, {top + rows}, 4</{x}:Anchor>"
        f"<{x}:AutoFill>False</{x}:AutoFill><{x}:Row>{row}</{x}:Row><{x}:Column>{col}</{x}:Column>"
        f"</{x}:ClientData></{v}:shape>"
    )
