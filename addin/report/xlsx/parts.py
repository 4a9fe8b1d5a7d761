"""Small XML parts of the package held as text while they are edited."""

from __future__ import annotations

from addin.report.xlsx.package import PartNames
from addin.report.xlsx.xmltext import decode, encode
from addin.report.xlsx.zipout import Plan, Source


class Parts:
    """Small XML parts held as text while they are edited; new ones are added in order."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.names = PartNames(source.names)
        self._in_source = set(source.names)
        self._texts: dict[str, list[str]] = {}  # name -> [original, current, codec]

    def actual(self, name: str) -> str | None:
        return self.names.actual(name)

    def text(self, name: str | None) -> str | None:
        """The current text of a part (None if the package has no such part)."""
        actual = self.actual(name) if name is not None else None
        if actual is None:
            return None
        if actual not in self._texts:
            if actual not in self._in_source:
                return None
            text, codec = decode(self.source.read(actual))
            self._texts[actual] = [text, text, codec]
        return self._texts[actual][1]

    def set_text(self, name: str, text: str) -> None:
        actual = self.actual(name)
        if actual is not None and actual in self._in_source:
            self.text(actual)  # keep the original to compare with
        else:
            actual = actual or self.names.claim(name)
            self._texts.setdefault(actual, ["", text, "utf-8"])
        self._texts[actual][1] = text

    def finish(self, plan: Plan) -> None:
        for name, (original, current, codec) in self._texts.items():
            if name not in self._in_source:
                plan.added[name] = encode(current, codec)
            elif current != original and name not in plan.dropped:
                plan.replaced[name] = encode(current, codec)
