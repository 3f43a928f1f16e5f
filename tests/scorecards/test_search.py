"""Search without diacritics on every database; Vietnamese sorting on PostgreSQL."""
import pytest
from django.urls import reverse

from scorecards.db import vi_ordering
from scorecards.models import Agency, Criterion, Province
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
