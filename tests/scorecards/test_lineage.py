"""The framework mapping (scorecards.services.lineage): which earlier nodes each node of a
later version is compared with. Frameworks are built node by node here, so every expected
counterpart is read off the declarations of the test itself."""
from decimal import Decimal

import pytest

from scorecards.choices import Lineage
from scorecards.models import Criterion, Framework
from scorecards.services.lineage import framework_mapping
from scorecards.services.scorecard import build_scorecard
from tests.factories import build_framework, build_period

pytestmark = pytest.mark.django_db


def version(code: str, previous: Framework | None = None, year: int = 2025) -> Framework:
    return Framework.objects.create(code=code, name=f"Bộ chỉ số {code}", total_points=Decimal(100), previous=previous,
                                    year_from=year, year_to=year)


def node(fw: Framework, code: str, parent: Criterion | None = None, lineage: str = "", predecessors=(), points="1"):
    c = Criterion.objects.create(framework=fw, parent=parent, code=code, name=f"Nội dung {code}", max_points=Decimal(points),
                                 lineage=lineage)
    if predecessors:
        c.predecessors.set(predecessors)
    return c


def old_tree(code="v2024"):
    """Two fields of two leaves each: 1 (1.1, 1.2) and 2 (2.1, 2.2); returns (framework, nodes by code)."""
    fw = version(code, year=2024)
    nodes = {}
    for f in ("1", "2"):
        nodes[f] = node(fw, f, points="2")
        for leaf in ("1", "2"):
            nodes[f"{f}.{leaf}"] = node(fw, f"{f}.{leaf}", nodes[f])
    return fw, nodes


def copy_same(fw: Framework, old: dict, codes=None) -> dict:
    """The nodes of `old` (or only `codes`) again in `fw`, each "same" as its namesake."""
    nodes = {}
    for code, o in old.items():
        if codes is not None and code not in codes:
            continue
        parent = nodes.get(code.rsplit(".", 1)[0]) if "." in code else None
        nodes[code] = node(fw, code, parent, Lineage.SAME, [o], points=str(o.max_points))
    return nodes


def test_the_same_framework_compares_each_node_with_itself():
    fw, old = old_tree()
    mapping = framework_mapping(fw, fw)
    assert mapping.identity and mapping.linked and not mapping.problems and mapping.changes() == []
    for c in old.values():
        link = mapping.counterpart(c)
        assert link.comparable and link.previous_ids == [c.pk] and not link.code_changed


def test_no_previous_year_compares_nothing():
    fw, old = old_tree()
    mapping = framework_mapping(fw, None)
    assert not mapping.linked and not mapping.counterpart(old["1"]).comparable
    assert "không có năm trước" in mapping.counterpart(old["1"]).note


def test_renamed_fields_that_swap_codes_compare_with_their_own_content():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = {"1": node(fw25, "1", lineage=Lineage.RENAMED, predecessors=[old["2"]], points="2"),
           "2": node(fw25, "2", lineage=Lineage.RENAMED, predecessors=[old["1"]], points="2")}
    for f, other in (("1", "2"), ("2", "1")):
        for leaf in ("1", "2"):
            new[f"{f}.{leaf}"] = node(fw25, f"{f}.{leaf}", new[f], Lineage.RENAMED, [old[f"{other}.{leaf}"]])
    mapping = framework_mapping(fw25, fw24)
    assert mapping.linked and not mapping.problems and mapping.dropped == []
    one, two = mapping.counterpart(new["1"]), mapping.counterpart(new["2"])
    assert one.comparable and one.previous_ids == [old["2"].pk] and one.previous_codes == ["2"] and one.code_changed
    assert two.comparable and two.previous_ids == [old["1"].pk] and one.note == "năm trước là 2"
    assert mapping.counterpart(new["1.2"]).previous_ids == [old["2.2"].pk]
    assert {c.criterion.code for c in mapping.changes()} == set(new)


def test_merged_nodes_compare_with_the_sum_of_their_counterparts():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.1", "1.2", "2"})
    merged = node(fw25, "2.1", new["2"], Lineage.MERGED, [old["2.1"], old["2.2"]], points="2")
    mapping = framework_mapping(fw25, fw24)
    link = mapping.counterpart(merged)
    assert link.comparable and link.previous_ids == [old["2.1"].pk, old["2.2"].pk] and link.lineage == Lineage.MERGED
    assert "gộp từ 2.1, 2.2" in link.note
    assert mapping.counterpart(new["2"]).comparable  # the field holds the same content
    # The sum: the earlier scorecard's node totals of both counterparts.
    period = build_period(fw24, year=2024)
    for s, points in zip(period.scores.filter(criterion__parent=old["2"]).order_by("criterion__sort_key"), ("0.25", "0.5"),
                         strict=True):
        s.appraised_points = Decimal(points)
        s.save()
    card = build_scorecard(period)
    assert sum(card.node_totals(i).appraised for i in link.previous_ids) == Decimal("0.75")
    assert card.node_totals(old["2"].pk).appraised == Decimal("0.75")


def test_a_merge_of_a_node_that_also_went_elsewhere_does_not_compare():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.1", "2", "2.2"})
    merged = node(fw25, "1.2", new["1"], Lineage.MERGED, [old["1.2"], old["2.2"]])  # 2.2 also continues as 2.2
    mapping = framework_mapping(fw25, fw24)
    assert not mapping.counterpart(merged).comparable
    assert any("1.2" in p for p in mapping.problems)


def test_a_split_node_does_not_compare_and_its_field_still_does_when_both_parts_stay():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.2", "2", "2.1", "2.2"})
    part_a = node(fw25, "1.1", new["1"], Lineage.SPLIT, [old["1.1"]], points="0.5")
    part_b = node(fw25, "1.3", new["1"], Lineage.SPLIT, [old["1.1"]], points="0.5")
    mapping = framework_mapping(fw25, fw24)
    for part in (part_a, part_b):
        link = mapping.counterpart(part)
        assert not link.comparable and "tách từ 1.1" in link.note
    assert mapping.counterpart(new["1"]).comparable
    assert not mapping.problems


def test_a_split_across_two_fields_stops_both_fields_comparing():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.2", "2", "2.1", "2.2"})
    node(fw25, "1.1", new["1"], Lineage.SPLIT, [old["1.1"]], points="0.5")
    node(fw25, "2.3", new["2"], Lineage.SPLIT, [old["1.1"]], points="0.5")
    mapping = framework_mapping(fw25, fw24)
    assert not mapping.counterpart(new["1"]).comparable and not mapping.counterpart(new["2"]).comparable


def test_a_parent_whose_leaf_moved_out_or_in_does_not_compare():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.1", "2", "2.1", "2.2"})
    moved = node(fw25, "2.3", new["2"], Lineage.MOVED, [old["1.2"]])
    mapping = framework_mapping(fw25, fw24)
    link = mapping.counterpart(moved)
    assert link.comparable and link.previous_ids == [old["1.2"].pk] and link.note == "năm trước là 1.2"
    for code in ("1", "2"):  # 1 lost 1.2, 2 gained it
        parent = mapping.counterpart(new[code])
        assert not parent.comparable and "1.2" in parent.note, code
    assert mapping.counterpart(new["1.1"]).comparable and mapping.counterpart(new["2.1"]).comparable
    changed = {c.criterion.code for c in mapping.changes()}
    assert changed == {"1", "2", "2.3"}


def test_new_and_dropped_nodes():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.1", "1.2", "2", "2.1"})
    added = node(fw25, "3", lineage=Lineage.NEW)
    mapping = framework_mapping(fw25, fw24)
    assert not mapping.counterpart(added).comparable and "mới" in mapping.counterpart(added).note
    assert [c.code for c in mapping.dropped] == ["2.2"]
    assert mapping.counterpart(new["2"]).comparable  # a dropped leaf leaves its field comparable (listed as dropped)


def test_undeclared_and_invalid_declarations_are_problems():
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    new = copy_same(fw25, old, {"1", "1.1", "1.2", "2"})
    node(fw25, "2.1", new["2"])  # nothing declared
    node(fw25, "2.2", new["2"], Lineage.NEW, [old["2.2"]])  # new, yet naming a counterpart
    mapping = framework_mapping(fw25, fw24)
    text = " ".join(mapping.problems)
    assert "chưa khai báo tương ứng năm trước (2.1)" in text and "chưa hợp lệ ở: 2.2" in text


def test_versions_that_are_not_linked_compare_nothing_and_say_why():
    fw24, old = old_tree()
    other = version("v2025-khac", None)
    copy_same_node = node(other, "1", points="2")
    mapping = framework_mapping(other, fw24)
    assert not mapping.linked and not mapping.counterpart(copy_same_node).comparable
    assert len(mapping.problems) == 1 and "không khai báo phiên bản trước" in mapping.problems[0]
    # A later version does not link back to an earlier one through its successor either.
    newer = version("v2026", other, year=2026)
    assert not framework_mapping(fw24, newer).linked


def test_a_chain_of_versions_composes_each_step():
    """2024 → 2025 (field 1 renamed A; 2.2 dropped; 3 new) → 2026 (A.1 moved to field 2;
    3 same): 2026 compares with 2024 through 2025."""
    fw24, old = old_tree()
    fw25 = version("v2025", fw24)
    a = node(fw25, "A", lineage=Lineage.RENAMED, predecessors=[old["1"]], points="2")
    a1 = node(fw25, "A.1", a, Lineage.RENAMED, [old["1.1"]])
    a2 = node(fw25, "A.2", a, Lineage.RENAMED, [old["1.2"]])
    two = node(fw25, "2", lineage=Lineage.SAME, predecessors=[old["2"]], points="2")
    two1 = node(fw25, "2.1", two, Lineage.SAME, [old["2.1"]])
    three = node(fw25, "3", lineage=Lineage.NEW)
    fw26 = version("v2026", fw25, year=2026)
    a_26 = node(fw26, "A", lineage=Lineage.SAME, predecessors=[a], points="1")
    a2_26 = node(fw26, "A.2", a_26, Lineage.SAME, [a2])
    two_26 = node(fw26, "2", lineage=Lineage.SAME, predecessors=[two], points="2")
    two1_26 = node(fw26, "2.1", two_26, Lineage.SAME, [two1])
    moved = node(fw26, "2.2", two_26, Lineage.MOVED, [a1])
    three_26 = node(fw26, "3", lineage=Lineage.SAME, predecessors=[three])
    mapping = framework_mapping(fw26, fw24)
    assert mapping.linked
    link = mapping.counterpart(a2_26)  # same ∘ renamed = renamed, named in 2024's code
    assert link.comparable and link.previous_ids == [old["1.2"].pk] and link.lineage == Lineage.RENAMED
    assert link.note == "năm trước là 1.2"
    link = mapping.counterpart(moved)
    assert link.comparable and link.previous_ids == [old["1.1"].pk] and link.lineage == Lineage.MOVED
    assert mapping.counterpart(two1_26).previous_ids == [old["2.1"].pk]
    assert not mapping.counterpart(three_26).comparable  # new in 2025: nothing in 2024
    assert not mapping.counterpart(a_26).comparable and not mapping.counterpart(two_26).comparable  # 1.1 moved across
    assert [c.code for c in mapping.dropped] == ["2.2"]  # dropped in 2025, still dropped seen from 2026


def test_mapping_reads_a_fixed_number_of_queries(django_assert_num_queries):
    small = build_framework(fields=2, criteria_per_field=2, leaves_per_criterion=2, code="lin-small")
    large = build_framework(fields=6, criteria_per_field=4, leaves_per_criterion=4, code="lin-large")
    copies = {}
    for fw in (small, large):
        nxt = version(f"{fw.code}-next", fw)
        created = {}
        for c in fw.criteria.order_by("sort_key"):
            created[c.pk] = node(nxt, c.code, created.get(c.parent_id), Lineage.SAME, [c], points=str(c.max_points))
        copies[fw.pk] = nxt
    for fw in (small, large):
        with django_assert_num_queries(3):  # the two versions' criteria and the declared counterparts
            mapping = framework_mapping(copies[fw.pk], fw)
        assert mapping.linked and all(c.comparable for c in mapping.links.values())
