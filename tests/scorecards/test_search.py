"""Search without diacritics and Vietnamese order, on SQLite and PostgreSQL alike."""
import pytest
from django.db.models import Value
from django.urls import reverse

from scorecards.db import Fold, vi_collate, vi_ordering, vi_sort_key
from scorecards.models import Agency, Criterion, Province, User
from scorecards.text import code_sort_key, fold


@pytest.mark.parametrize(("text", "folded"), [
    ("Sở Tư pháp", "so tu phap"),
    ("ĐIỆN BIÊN", "dien bien"),
    ("  Văn phòng   UBND tỉnh ", "van phong ubnd tinh"),
    ("Quyết định 876/QĐ-BNV", "quyet dinh 876/qd-bnv"),
])
def test_fold_removes_diacritics_and_case(text, folded):
    assert fold(text) == folded


def test_codes_sort_naturally():
    codes = ["7.3.10", "7.3.9", "7.10", "7.2", "7.R"]
    assert sorted(codes, key=code_sort_key) == ["7.2", "7.3.9", "7.3.10", "7.10", "7.R"]


@pytest.mark.parametrize(("query", "expected"), [("tu phap", "Sở Tư pháp"), ("dien bien", "Ủy ban nhân dân tỉnh Điện Biên"),
                                                 ("SỞ TƯ PHÁP", "Sở Tư pháp"), ("so tai", "Sở Tài chính")])
def test_admin_agency_search_ignores_diacritics(client, officer, query, expected):
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_agency_changelist"), {"q": query})
    names = [a.name for a in response.context["cl"].result_list]
    assert expected in names
    assert all(fold(query).split()[0] in fold(n) or fold(query).split()[0] in a.search_text
               for n, a in zip(names, response.context["cl"].result_list, strict=False))


def test_criterion_search_finds_words_without_accents(demo):
    found = Criterion.objects.search("giai ngan").values_list("code", flat=True)
    assert set(found) == {"6.1.1"} and len(found) == 2  # in the 2024 framework and its 2025 version


def test_admin_criterion_search(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_criterion_changelist"), {"q": "thanh toan truc tuyen"})
    assert [c.code for c in response.context["cl"].result_list] == ["7.3.7", "7.3.7"]  # both framework versions


@pytest.mark.postgres
def test_vietnamese_names_sort_correctly_on_postgresql(db):
    for code, name in [("yb", "Yên Bái"), ("db", "Điện Biên"), ("ag", "An Giang"), ("dn", "Đà Nẵng"), ("dl", "Đắk Lắk")]:
        Province.objects.create(code=code, name=name)
    names = list(Province.objects.filter(code__in=["yb", "db", "ag", "dn", "dl"]).order_by(*vi_ordering("name")).values_list("name", flat=True))
    assert names == ["An Giang", "Đà Nẵng", "Đắk Lắk", "Điện Biên", "Yên Bái"]


@pytest.mark.postgres
def test_admin_agency_list_sorts_vietnamese_on_postgresql(client, officer):
    Agency.objects.create(code="z1", name="Ủy ban Dân tộc", order=99)
    Agency.objects.create(code="z2", name="Đài Phát thanh", order=99)
    Agency.objects.create(code="z3", name="Ban Quản lý", order=99)
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_agency_changelist"))
    tail = [a.name for a in response.context["cl"].result_list if a.order == 99]
    assert tail == ["Ban Quản lý", "Đài Phát thanh", "Ủy ban Dân tộc"]


# --- one Vietnamese order, in Python and in both databases ------------------------------------

ALPHABET_WORDS = ["an", "ăn", "ân", "bê", "cơ", "da", "đa", "em", "ê", "gà", "hổ", "im", "kê", "lá", "mẹ", "nở",
                  "ong", "ông", "ơn", "phở", "quê", "rau", "sợ", "tô", "ung", "ưng", "và", "xa", "yêu"]


def test_the_sort_key_follows_the_vietnamese_alphabet():
    assert sorted(reversed(ALPHABET_WORDS), key=vi_sort_key) == ALPHABET_WORDS


@pytest.mark.parametrize("words", [
    ["ma", "mà", "mả", "mã", "má", "mạ"],  # tones: none, huyền, hỏi, ngã, sắc, nặng
    ["bạn", "bàng"],  # letters first: a heavier tone does not outweigh a later letter
    ["Bàn", "Bạn", "Ban Dân tộc"],
    ["Đà Nẵng", "Đắk Lắk", "Điện Biên"],
    ["Uy", "Ủy ban", "Ưu"],
    ["an", "An"],  # case last, lower case first
])
def test_tones_and_case_come_after_the_letters(words):
    assert sorted(reversed(words), key=vi_sort_key) == words


NAMES = ["VP UBND tỉnh", "Ủy ban MTTQ", "Đài Phát thanh", "Âu Lạc", "Ban Dân tộc", "An Giang", "Yên Bái", "Điện Biên"]


def test_the_database_sorts_as_python_does(db):
    """SQLite through the collation registered on every connection, PostgreSQL through ICU:
    both agree with vi_sort_key."""
    for i, name in enumerate(NAMES):
        Province.objects.create(code=f"sx-{i}", name=name)
    mine = Province.objects.filter(code__startswith="sx-")
    expected = sorted(NAMES, key=vi_sort_key)
    assert expected[:5] == ["An Giang", "Âu Lạc", "Ban Dân tộc", "Đài Phát thanh", "Điện Biên"]
    assert list(mine.order_by(*vi_ordering("name")).values_list("name", flat=True)) == expected
    assert list(mine.order_by(vi_collate("name").desc()).values_list("name", flat=True)) == expected[::-1]


@pytest.mark.parametrize("text", ["Sở Tư pháp", "ĐIỆN BIÊN", "Ủy ban nhân dân tỉnh", "Quyết định 876/QĐ-BNV", "Ngữ"])
def test_the_database_folds_as_python_does(db, text):
    folded = Province.objects.annotate(f=Fold(Value(text))).values_list("f", flat=True).first()
    assert " ".join(folded.split()) == fold(text)


@pytest.mark.parametrize(("url", "user", "query", "attribute", "expected"), [
    ("admin:scorecards_framework_changelist", "sonoivu", "chi so cai cach", "code", "par-tinh-2024"),
    ("admin:scorecards_round_changelist", "sonoivu", "dien bien 2025", "year", 2025),
    ("admin:scorecards_user_changelist", "quantri", "tu phap", "username", "sotuphap"),
    ("admin:scorecards_subjectgroup_changelist", "sonoivu", "XA PHUONG", "name", "UBND các xã, phường"),
])
def test_every_admin_search_ignores_diacritics(client, demo, url, user, query, attribute, expected):
    """Lists whose model keeps no folded copy fold the column in the database (Fold)."""
    client.force_login(User.objects.get(username=user))
    response = client.get(reverse(url), {"q": query})
    assert response.status_code == 200
    assert [getattr(o, attribute) for o in response.context["cl"].result_list] == [expected]


def test_a_search_that_matches_nothing_finds_nothing(client, officer):
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_framework_changelist"), {"q": "khong co gi nhu the"})
    assert list(response.context["cl"].result_list) == []
