"""Staff-written text of the report record, split into blocks every output renders alike.

Paragraphs are separated by blank lines (or single line breaks); "## " starts a
sub-heading, "- " a list item; a paragraph may open with an italic lead: "*Một là*, …".
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .printable import printable

_LEAD = re.compile(r"^\*(?P<lead>[^*]+)\*(?P<rest>.*)$", re.S)


@dataclass
class Block:
    kind: str  # "para", "item" or "heading"
    text: str
    lead: str = ""  # italic words opening the paragraph


def blocks(text: str) -> list[Block]:
    out = []
    for raw in printable(text or "").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            out.append(Block("heading", line[3:].strip()))
            continue
        kind = "para"
        if line.startswith("- "):
            kind, line = "item", line[2:].strip()
        match = _LEAD.match(line)
        if match:
            out.append(Block(kind, match["rest"], lead=match["lead"]))
        else:
            out.append(Block(kind, line))
    return out
