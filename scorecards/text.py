"""Vietnamese text helpers: accent folding for search and natural sort keys for codes."""
import unicodedata


def fold(text: str | None) -> str:
    """Lower-case text without diacritics: "Sở Tư pháp" -> "so tu phap", "Điện" -> "dien".

    Done in Python (not the database) so that search behaves the same on SQLite, whose
    LIKE does not fold Đ/đ, and on PostgreSQL.
    """
    if not text:
        return ""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def code_sort_key(code: str) -> str:
    """Sortable key for criterion codes: "7.3.10" sorts after "7.3.9"."""
    parts = []
    for part in code.split("."):
        parts.append(part.zfill(4) if part.isdigit() else part.rjust(4, "~"))
    return ".".join(parts)


def lower_first(text) -> str:
    """A label put mid-sentence: its first letter in lower case, acronyms kept
    ("Bộ câu hỏi SIPAS" -> "bộ câu hỏi SIPAS", "Quy đổi từ Chỉ số SIPAS" -> "quy đổi từ Chỉ số SIPAS")."""
    text = str(text or "")
    return text[:1].lower() + text[1:]


def ascii_slug(text) -> str:
    """"Sở Tư pháp 2025" -> "so-tu-phap-2025": the words without diacritics, for file names
    (safe in every browser's Content-Disposition)."""
    from django.utils.text import slugify

    return slugify(fold(str(text or "")))
