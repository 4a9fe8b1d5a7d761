"""Text-level XML helpers for editing OOXML parts without a DOM.

A DOM round trip rewrites namespace prefixes, and Excel then rejects the
``mc:Ignorable`` prefixes it finds undeclared; a 50 MB sheet would not fit in
one either. So parts are edited as text: a tokenizer finds the top-level
children of the root element (their names and spans), and new elements are
spliced in with the prefix the document already uses for its namespace.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

MAX_CELL_CHARS = 32767
"""Excel's limit on the characters of one cell (and of one note)."""

_NAME = r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?"
ATTRS = r"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
_TOKEN = re.compile(
    rf"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[?!].*?>|<(/?)({_NAME})({ATTRS})\s*(/?)>",
    re.S,
)
_ATTR = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_X_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_TAG_OPEN = re.compile(r"<(/?)(?=[A-Za-z_])")


def parse_attrs(text: str) -> dict[str, str]:
    """The attributes of a start tag's attribute text, unescaped."""
    return {m[1]: html.unescape(m[2] if m[2] is not None else m[3]) for m in _ATTR.finditer(text)}


def local_name(qname: str) -> str:
    return qname.rpartition(":")[2]


@dataclass(frozen=True, slots=True)
class Root:
    """The root element's start tag: span, prefix and namespace declarations."""

    start: int
    end: int
    close: int  # position of the start tag's closing ">" (or "/>")
    qname: str
    attrs: dict[str, str]

    @property
    def prefix(self) -> str:
        return self.qname.rpartition(":")[0]

    @property
    def ns(self) -> dict[str, str]:
        """Declared namespaces, prefix -> URI ("" for the default namespace)."""
        out = {}
        for key, value in self.attrs.items():
            if key == "xmlns":
                out[""] = value
            elif key.startswith("xmlns:"):
                out[key[6:]] = value
        return out

    def prefix_of(self, uri: str) -> str | None:
        for prefix, value in self.ns.items():
            if value == uri:
                return prefix
        return None

    def q(self, local: str) -> str:
        """``local`` qualified with the root's own prefix."""
        return f"{self.prefix}:{local}" if self.prefix else local

    def end_tag(self) -> str:
        return f"</{self.qname}>"


def find_root(text: str) -> Root:
    """The first start tag of the document (skipping the declaration and comments)."""
    for m in _TOKEN.finditer(text):
        if m[2] and not m[1]:
            close = m.end() - (2 if m[4] else 1)
            return Root(m.start(), m.end(), close, m[2], parse_attrs(m[3]))
    raise ValueError("no root element")


def declare_prefix(root: Root, uri: str, wanted: str) -> tuple[str, tuple[int, int, str] | None]:
    """The prefix bound to ``uri`` on the root, and the edit declaring it when it was not.

    The declaration is inserted into the original start tag, which is otherwise
    left as it was.
    """
    found = root.prefix_of(uri)
    if found:
        return found, None
    taken = root.ns
    prefix, n = wanted, 0
    while prefix in taken:
        n += 1
        prefix = f"{wanted}{n}"
    return prefix, (root.close, root.close, f' xmlns:{prefix}="{esc_attr(uri)}"')


@dataclass(frozen=True, slots=True)
class Element:
    """A top-level child of the root: local name and span in the text."""

    local: str
    start: int
    end: int
    head_end: int  # end of the start tag
    inner: str | None = None  # for mc:AlternateContent: the element inside mc:Choice

    @property
    def kind(self) -> str:
        """The name that decides the schema position (looks inside mc:AlternateContent)."""
        return self.inner if self.local == "AlternateContent" and self.inner else self.local


def children(text: str, start: int, end: int | None = None) -> tuple[list[Element], int]:
    """Top-level elements in ``text[start:end]`` (which starts inside the root element).

    Returns the elements and the position of the root's end tag (``end`` or the
    text length when the end tag is not in the range).
    """
    stop = len(text) if end is None else end
    found: list[Element] = []
    depth = 0
    open_start = open_head = 0
    open_local = ""
    inner: str | None = None
    for m in _TOKEN.finditer(text, start, stop):
        if not m[2]:
            continue
        if m[1]:  # end tag
            if depth == 0:
                return found, m.start()
            depth -= 1
            if depth == 0:
                found.append(Element(open_local, open_start, m.end(), open_head, inner))
        elif m[4]:  # empty element
            if depth == 0:
                found.append(Element(local_name(m[2]), m.start(), m.end(), m.end()))
            elif depth == 2 and inner is None:
                inner = local_name(m[2])
        else:
            if depth == 0:
                open_start, open_head, open_local, inner = m.start(), m.end(), local_name(m[2]), None
            elif depth == 2 and inner is None:
                inner = local_name(m[2])
            depth += 1
    return found, stop


def insertion_point(elements: list[Element], order: dict[str, int], local: str, root_end: int) -> int:
    """Where a new ``local`` child goes: before the first child that must follow it."""
    rank = order[local]
    for el in elements:
        other = order.get(el.kind)
        if other is not None and other > rank:
            return el.start
    return root_end


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    """Replace the spans ``(start, end)`` by the strings; equal starts keep list order."""
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(edits, key=lambda e: (e[0], e[1])):
        out.append(text[pos:start])
        out.append(new)
        pos = max(pos, end)
    out.append(text[pos:])
    return "".join(out)


def prefixed(fragment: str, prefix: str) -> str:
    """Put ``prefix`` on every element name of a fragment we generated."""
    return _TAG_OPEN.sub(rf"<\1{prefix}:", fragment) if prefix else fragment


def clean_text(text: str, limit: int = MAX_CELL_CHARS) -> str:
    """Text made storable: no characters illegal in XML 1.0, at most ``limit`` characters."""
    text = _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def esc_text(text: str) -> str:
    """Element text, with Excel's ``_xHHHH_`` escape protected (for cell and note text)."""
    text = _X_ESCAPE.sub(r"_x005F_\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def esc_attr(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\t", "&#9;")
    )


def space_attr(text: str) -> str:
    """``xml:space="preserve"`` when the text has edge or line-break whitespace."""
    return ' xml:space="preserve"' if text != text.strip() or "\n" in text else ""


def display_width(text: str) -> int:
    """Width in characters of the longest line; CJK and full-width characters count double."""
    widest = 0
    for line in text.split("\n"):
        if line.isascii():
            width = len(line)
        else:
            width = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
        widest = max(widest, width)
    return widest


def col_letters(col: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def parse_ref(ref: str) -> tuple[int, int] | None:
    """ "$K$12" -> (12, 11), 1-based (row, column); None if not a cell address."""
    m = _REF.fullmatch(ref.strip())
    if not m:
        return None
    col = 0
    for ch in m[1].upper():
        col = col * 26 + ord(ch) - 64
    return int(m[2]), col


def decode(data: bytes) -> tuple[str, str]:
    """A part's text and the codec to encode it back with (UTF-16 parts keep their encoding)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16"), "utf-16"
    return data.decode("utf-8", "surrogateescape"), "utf-8"


def encode(text: str, codec: str) -> bytes:
    return text.encode(codec, "surrogateescape" if codec == "utf-8" else "strict")
