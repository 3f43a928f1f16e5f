"""Database-specific touches kept in one place: Vietnamese order and accent-free matching.

One collation for every sort, on both databases: PostgreSQL's ICU ``vi-x-icu``, and on
SQLite a collation named ``vi`` that `register_sqlite_functions` adds to every new
connection (scorecards.signals, on ``connection_created``), computed by `vi_sort_key`:
letters in the Vietnamese alphabet's order (a ă â b c d đ e ê … o ô ơ … u ư v x y), tones
second (none, huyền, hỏi, ngã, sắc, nặng), capitals last. The same key sorts lists built
in Python, so a page sorted in the database and one sorted in memory agree.
"""
import unicodedata
from functools import lru_cache

from django.db.models import CharField, F, Func, TextField, Value
from django.db.models.functions import Collate

# ICU Vietnamese collation: sorts "Điện Biên" before "Yên Bái" (C.UTF-8 does not).
VI_COLLATION = "vi-x-icu"
# The collation registered on every SQLite connection (register_sqlite_functions).
SQLITE_COLLATION = "vi"
COLLATIONS = {"postgresql": VI_COLLATION, "sqlite": SQLITE_COLLATION}

# The Vietnamese alphabet, with the Latin letters it lacks (f j w z: names, loan words)
# where the Latin alphabet has them, as ICU's Vietnamese tailoring orders them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Tones: none, huyền (grave), hỏi (hook above), ngã (tilde), sắc (acute), nặng (dot below).
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
# Marks that make another letter (ă â ê ô ơ ư), not a tone.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
# Primary weights: spaces and punctuation before digits, digits before letters (ICU's
# default: punctuation is not ignored), anything else after the letters, by code point.
_SPACE, _PUNCTUATION, _DIGIT, _LETTER, _OTHER = 0, 1_000, 2_000, 3_000, 4_000


@lru_cache(maxsize=65_536)
def vi_sort_key(text: str | None) -> tuple:
    """The Vietnamese sort key of `text`: compares letters first, then tones, then case.

    "Ăn" < "Ân" < "Ấn" (ă before â, the tone decides last); "Đài" after "Dung" and before
    "Em"; "Ủy" right after "Uy" and before "Ưu".
    """
    if not text:
        return ((), (), ())
    primary, tones, cases = [], [], []
    for base, marks in _letters(unicodedata.normalize("NFD", text)):
        tone = next((_TONE_RANK[m] for m in marks if m in _TONE_RANK), 0)
        letter = unicodedata.normalize("NFC", base + "".join(m for m in marks if m in _LETTER_MARKS))
        lower = letter.lower()
        if lower in _LETTER_RANK:
            weight = _LETTER + _LETTER_RANK[lower]
        elif lower.isdigit() and len(lower) == 1:
            weight = _DIGIT + unicodedata.digit(lower, 0)
        elif lower.isspace():
            weight = _SPACE
        elif not lower.isalnum():
            weight = _PUNCTUATION + ord(lower[0]) % 1_000
        else:  # other letters (ü, ç, another script): by their base letter when it is one of ours
            plain = unicodedata.normalize("NFD", lower)[0]
            weight = _LETTER + _LETTER_RANK[plain] if plain in _LETTER_RANK else _OTHER + ord(lower[0])
        primary.append(weight)
        tones.append(tone)
        cases.append(0 if letter == lower else 1)
    return tuple(primary), tuple(tones), tuple(cases)


def _letters(decomposed: str):
    """(base character, its combining marks) for each character of an NFD string."""
    base, marks = None, []
    for ch in decomposed:
        if unicodedata.combining(ch) and base is not None:
            marks.append(ch)
            continue
        if base is not None:
            yield base, marks
        base, marks = ch, []
    if base is not None:
        yield base, marks


def vi_compare(a: str | None, b: str | None) -> int:
    """SQLite collation function: -1, 0 or 1 as `a` sorts before, with or after `b`."""
    ka, kb = vi_sort_key(a), vi_sort_key(b)
    return (ka > kb) - (ka < kb)


def fold_sql_value(text: str | None) -> str | None:
    """SQLite function vi_fold(): the text as scorecards.text.fold writes it."""
    from scorecards.text import fold

    return None if text is None else fold(text)


def register_sqlite_functions(sender, connection, **kwargs):
    """On every new SQLite connection: the "vi" collation and the vi_fold() function.

    (connection_created; PostgreSQL has ICU's collation and a translate() of its own.)
    """
    if connection.vendor != "sqlite":
        return
    raw = connection.connection
    raw.create_collation(SQLITE_COLLATION, vi_compare)
    raw.create_function("vi_fold", 1, fold_sql_value, deterministic=True)


class ViCollate(Collate):
    """`expression` in the Vietnamese collation of the database the query runs on: decided
    when the SQL is written, so it also serves in class attributes and Meta.ordering."""

    def __init__(self, expression):
        super().__init__(expression, SQLITE_COLLATION)

    def as_sql(self, compiler, connection, **extra_context):
        collation = COLLATIONS.get(connection.vendor)
        if collation is None:  # another database: its own order
            return compiler.compile(self.source_expressions[0])
        extra_context.setdefault("collation", connection.ops.quote_name(collation))
        return super().as_sql(compiler, connection, **extra_context)


def vi_collate(field: str):
    """An expression for `field` that sorts in Vietnamese order on every database.

    Use in order_by (``.order_by(vi_collate("name").asc())``) and in django-tables2's
    ``order_FOO`` methods. PostgreSQL: ICU ``vi-x-icu``; SQLite: the ``vi`` collation
    registered on every connection.
    """
    return ViCollate(F(field))


def vi_ordering(*fields: str):
    """Order by fields, text ones (TEXT_FIELDS, or "-name" descending) in Vietnamese order.

    Non-text fields (ints) are passed through; the caller lists text fields by name. The
    primary key comes last, so that equal names keep one order.
    """
    out = []
    for name in fields:
        descending = name.startswith("-")
        bare = name.lstrip("-")
        if bare in TEXT_FIELDS:
            expression = vi_collate(bare)
            out.append(expression.desc() if descending else expression.asc())
        else:
            out.append(name)
    out.append("pk")
    return out


TEXT_FIELDS = {"name", "short_name", "text", "province__name", "lead_agency__name", "subject__name", "agency__name",
               "first_name", "last_name", "username"}


def is_text_path(model, path: str) -> bool:
    """Whether `path` ("name", "province__name") ends on a free-text field of `model` (not a
    choice, a slug, a code or a sort key): the fields the Vietnamese collation sorts."""
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return False
        if field.is_relation:
            if field.related_model is None:
                return False
            model = field.related_model
    if not isinstance(field, (CharField, TextField)) or field.choices or field.get_internal_type() == "SlugField":
        return False
    # Codes and keys made to sort by code point ("7.3.10" after "7.3.9") keep their order.
    return field.name not in MACHINE_ORDERED and not field.name.endswith("code")


MACHINE_ORDERED = {"sort_key", "search_text"}


def vi_order_by(model, names):
    """Django orderings ("name", "-order", expressions) with text fields in Vietnamese order."""
    out = []
    for name in names:
        if isinstance(name, str) and name.lstrip("-") and is_text_path(model, name.lstrip("-")):
            expression = vi_collate(name.lstrip("-"))
            out.append(expression.desc() if name.startswith("-") else expression.asc())
        else:
            out.append(name)
    return out


# Lower-case letters with Vietnamese diacritics and their base letters, for PostgreSQL's
# translate() (precomposed text, as browsers and Excel send it).
_ACCENTED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_PLAIN = "aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd"
# Capitals too: LOWER() leaves them alone in a database whose LC_CTYPE is "C".
_ACCENTED, _PLAIN = _ACCENTED + _ACCENTED.upper(), _PLAIN + _PLAIN
assert len(_ACCENTED) == len(_PLAIN)


class Fold(Func):
    """The text without diacritics, lower case (Đ/đ → d): scorecards.text.fold in SQL, for
    accent-free search in columns without a stored folded copy (`search_text`)."""

    function = "vi_fold"
    arity = 1
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        expression = Func(Func(self.source_expressions[0], function="LOWER"), Value(_ACCENTED), Value(_PLAIN),
                          function="TRANSLATE", output_field=CharField())
        return expression.as_sql(compiler, connection, **extra_context)
