"""Text as a printed document may carry it.

Officers paste reasons and staff texts from everywhere: control characters (which XML and
so the DOCX cannot hold, and which print as boxes) and Unicode direction overrides (which
turn "DỰ THẢO" into "OẢHT ỰD" in the PDF, or make a figure read backwards) are removed;
line breaks and tabs stay. Every table cell and staff-written block passes through here,
so the PDF and the DOCX print the same text.
"""
import re

# C0 and C1 controls except tab and line feed; the bidirectional embeddings, overrides and
# isolates (U+202A–U+202E, U+2066–U+2069).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` without control characters and direction overrides, and with no-break spaces
    as spaces: pasted from Word they glue whole sentences into one word, which the page can
    then only break inside a word (str → str)."""
    return _UNPRINTABLE.sub("", text).replace("\u00a0", " ") if text else text
