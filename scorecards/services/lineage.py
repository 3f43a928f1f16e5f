"""How a framework version's nodes correspond to an earlier version's: the one join across years.

Every comparison with a previous year (the report's sentences, field list, footnotes and
chart, the overview, the leaders' views) asks `framework_mapping(current, previous)` which
earlier nodes a node is compared with, never "the node with the same code". Rules:

- Same framework in both years: each node is compared with itself.
- `current.previous` is the earlier framework (or reaches it through a chain of versions):
  each node names its counterparts (`Criterion.predecessors`) and how (`Criterion.lineage`).
  A node compares when it is the same, renamed or moved node (one counterpart), or merged
  from nodes that went wholly into it (the previous figure is their sum). A split, new or
  undeclared node does not compare: the report says so instead.
- A parent (field, criterion) also stops comparing when content moved into it or out of
  its counterpart (a leaf moved, or split between two parents): its total is no longer
  about the same content. New and dropped leaves do not stop it (the report lists them).
- Through a chain of versions (2026 → 2025 → 2024) the steps compose: a node compares with
  the oldest version when every step compares; renamed then moved is "moved", and so on.
- Frameworks with no chain between them: nothing compares, and `problems` says why.

Shapes: `Mapping.counterpart(criterion) -> Counterpart`; `Mapping.changes()` (nodes that are
not simply the same, in framework order); `Mapping.dropped` (nodes of the earlier version no
current node continues); `Mapping.problems -> list[str]` (Vietnamese sentences for the
officer's scorecard warning and the report preview's staff note).

Queries: one per framework of the chain for its criteria, one per step for the declared
counterparts, one per intermediate version; never one per node.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from scorecards.choices import ONE_TO_ONE_LINEAGES, Lineage
from scorecards.models import Criterion, Framework

MAX_CHAIN = 20  # versions walked back from a framework to find the earlier one


@dataclass
class Counterpart:
    """What a current node is compared with in the earlier framework.

    `previous_ids` are the earlier nodes whose figures add up to the comparison (empty when
    the node does not compare, except for a split or a parent whose content changed, where
    they say where it came from); `note` says, in Vietnamese, why it does not compare or how
    it changed ("năm trước là 2.1"), for footnotes and warnings.
    """

    criterion: Criterion
    lineage: str
    previous_ids: list[int] = field(default_factory=list)
    previous_codes: list[str] = field(default_factory=list)
    comparable: bool = False
    note: str = ""

    @property
    def code_changed(self) -> bool:
        return self.comparable and self.previous_codes != [self.criterion.code]


@dataclass
class Mapping:
    """The join between the nodes of `framework` and those of `previous` (None: no previous year)."""

    framework: Framework
    previous: Framework | None
    links: dict[int, Counterpart] = field(default_factory=dict)
    dropped: list[Criterion] = field(default_factory=list)  # earlier nodes no current node continues
    problems: list[str] = field(default_factory=list)
    _unlinked: bool = False

    @property
    def identity(self) -> bool:
        return self.previous is not None and self.previous.pk == self.framework.pk

    @property
    def linked(self) -> bool:
        """True when nodes of the two years can be compared at all."""
        return self.previous is not None and (self.identity or (bool(self.links) and not self._unlinked))

    def counterpart(self, criterion: Criterion) -> Counterpart:
        if self.identity:
            return Counterpart(criterion, Lineage.SAME, [criterion.pk], [criterion.code], True)
        found = self.links.get(criterion.pk)
        if found is None:
            return Counterpart(criterion, "", note=_("không có năm trước để so sánh") if self.previous is None
                               else _("không đối chiếu được với bộ chỉ số năm trước"))
        return found

    def changes(self) -> list[Counterpart]:
        """Nodes that are not simply the same as last year (renamed, moved, split, merged, new,
        undeclared, or a parent whose content changed), in framework order: the footnote on
        how the framework changed."""
        return [c for c in self.links.values() if c.lineage != Lineage.SAME or not c.comparable or c.code_changed]


class _Nodes:
    """The criteria of the frameworks of a chain, each read once (or given by the caller)."""

    def __init__(self, given: dict[int, list[Criterion]] | None = None):
        self._by_framework: dict[int, list[Criterion]] = dict(given or {})

    def of(self, framework_id: int) -> list[Criterion]:
        if framework_id not in self._by_framework:
            self._by_framework[framework_id] = list(
                Criterion.objects.filter(framework_id=framework_id).order_by("sort_key", "pk"))
        return self._by_framework[framework_id]


def _chain(framework: Framework, previous: Framework) -> list[Framework] | None:
    """[framework, framework.previous, …, previous] when the versions link up, else None.
    The last step is `previous` itself: one query per intermediate version only."""
    chain, node = [framework], framework
    for _step in range(MAX_CHAIN):
        if node.previous_id is None:
            return None
        if node.previous_id == previous.pk:
            chain.append(previous)
            return chain
        node = Framework.objects.get(pk=node.previous_id)
        if node.pk == framework.pk:  # a cycle
            return None
        chain.append(node)
    return None


def _one_to_one_note(node: Criterion, lineage: str, codes: list[str]) -> str:
    if lineage == Lineage.MOVED or codes != [node.code]:
        return _("năm trước là %(code)s") % {"code": codes[0]}
    return ""


def _direct_links(nodes: list[Criterion], old_nodes: list[Criterion], framework: Framework
                  ) -> tuple[dict[int, Counterpart], dict[int, list[int]], list[int]]:
    """Counterparts of `framework`'s nodes among the earlier version's (its declared previous),
    for each earlier node the current nodes that name it, and the nodes whose declaration
    does not fit its kind (a new node naming counterparts, a one-to-one naming several…)."""
    old = {c.pk: c for c in old_nodes}
    through = Criterion.predecessors.through
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    for new_id, old_id in through.objects.filter(from_criterion__framework=framework).values_list(
            "from_criterion_id", "to_criterion_id").order_by("pk"):
        if old_id in old:
            preds[new_id].append(old_id)
            succs[old_id].append(new_id)
    links, invalid = {}, []
    for node in nodes:
        ids = sorted(preds.get(node.pk, []), key=lambda i: (old[i].sort_key, i))
        codes = [old[i].code for i in ids]
        link = Counterpart(node, node.lineage, ids, codes)
        if node.lineage in ONE_TO_ONE_LINEAGES and len(ids) == 1:
            link.comparable = True
            link.note = _one_to_one_note(node, node.lineage, codes)
        elif node.lineage == Lineage.MERGED and ids and all(succs[i] == [node.pk] for i in ids):
            link.comparable = True
            link.note = _("gộp từ %(codes)s của năm trước") % {"codes": ", ".join(codes)}
        elif node.lineage == Lineage.NEW or (not node.lineage and not ids):
            if ids:
                invalid.append(node.pk)
            link.note = _("mới, không có nội dung tương ứng năm trước") if node.lineage == Lineage.NEW \
                else _("chưa khai báo nội dung tương ứng năm trước")
        elif node.lineage == Lineage.SPLIT:
            link.note = _("tách từ %(codes)s của năm trước, không so sánh riêng") % {"codes": ", ".join(codes) or "?"}
        else:
            invalid.append(node.pk)
            link.note = _("khai báo tương ứng năm trước chưa hợp lệ (%(kind)s, %(n)s nội dung)") % {
                "kind": Lineage(node.lineage).label if node.lineage else _("chưa khai báo"), "n": len(ids)}
        links[node.pk] = link
    return links, succs, invalid


def _compose_lineage(outer: str, inner: str) -> str:
    """The kind of change over two steps of a chain, both comparable."""
    kinds = {outer, inner}
    for kind in (Lineage.MERGED, Lineage.MOVED, Lineage.RENAMED):
        if kind in kinds:
            return kind
    return Lineage.SAME


def _compose(outer: dict[int, Counterpart], inner: dict[int, Counterpart], inner_codes: dict[int, str],
             oldest_codes: dict[int, str]) -> None:
    """Follow `outer` (newest → middle) through `inner` (middle → older), in place."""
    for link in outer.values():
        if not link.comparable:
            # Where the content came from, in the older version's codes, for the notes.
            ids = [i for mid in link.previous_ids for i in (inner[mid].previous_ids if mid in inner else [])]
            link.previous_ids, link.previous_codes = ids, [oldest_codes[i] for i in ids if i in oldest_codes]
            continue
        ids: list[int] = []
        lineage = link.lineage
        for mid in link.previous_ids:
            step = inner.get(mid)
            if step is None or not step.comparable:
                link.comparable, link.previous_ids, link.previous_codes = False, [], []
                link.note = _("không so sánh được qua các phiên bản trung gian (%(code)s: %(why)s)") % {
                    "code": inner_codes.get(mid, "?"), "why": step.note if step else _("không có")}
                break
            ids.extend(step.previous_ids)
            lineage = _compose_lineage(lineage, step.lineage)
        else:
            link.previous_ids = ids
            link.previous_codes = [oldest_codes[i] for i in ids]
            link.lineage = Lineage.MERGED if len(ids) > 1 else lineage
            link.note = (_("gộp từ %(codes)s của năm trước") % {"codes": ", ".join(link.previous_codes)}
                         if len(ids) > 1 else _one_to_one_note(link.criterion, link.lineage, link.previous_codes))


def _check_parents(links: dict[int, Counterpart], nodes: list[Criterion], old_nodes: list[Criterion]) -> None:
    """A parent compares only when the content of its leaves is its counterpart's content:
    nothing came in from elsewhere and nothing of its counterpart went to another node."""

    def leaves_under(rows):
        parent_of = {c.pk: c.parent_id for c in rows}
        has_children = {c.parent_id for c in rows if c.parent_id}
        under: dict[int, set[int]] = defaultdict(set)
        for c in rows:
            if c.pk in has_children:
                continue
            node = c.pk
            while node is not None:
                under[node].add(c.pk)
                node = parent_of.get(node)
        return under, has_children

    cur_under, cur_parents = leaves_under(nodes)
    old_under, _old_parents = leaves_under(old_nodes)
    old_code = {c.pk: c.code for c in old_nodes}
    # The earlier leaves each current leaf carries (a leaf naming an earlier parent carries its leaves).
    leaf_old: dict[int, set[int]] = {}
    for pk, link in links.items():
        if pk not in cur_parents:
            leaf_old[pk] = set().union(*(old_under.get(i, {i}) for i in link.previous_ids)) if link.previous_ids else set()
    for pk in cur_parents:
        link = links.get(pk)
        if link is None or not link.comparable:
            continue
        mine = cur_under[pk]
        inside = set().union(*(leaf_old.get(leaf, set()) for leaf in mine))
        outside = set().union(*(ids for leaf, ids in leaf_old.items() if leaf not in mine))
        theirs = set().union(*(old_under.get(i, {i}) for i in link.previous_ids))
        changed = (inside - theirs) | (theirs & outside)
        if changed:
            link.comparable = False
            codes = sorted((old_code[i] for i in changed if i in old_code))
            link.note = _("nội dung thay đổi so với năm trước, chuyển %(codes)s") % {"codes": ", ".join(codes)}


def framework_mapping(framework: Framework, previous: Framework | None, *,
                      criteria: dict[int, list[Criterion]] | None = None) -> Mapping:
    """The join of `framework`'s nodes with `previous`'s; a fixed number of queries per version.

    `criteria` may give frameworks' criteria already read (framework id -> all its criteria,
    e.g. from two scorecards), so that only the declared counterparts are queried."""
    mapping = Mapping(framework, previous)
    if previous is None or previous.pk == framework.pk:
        return mapping
    chain = _chain(framework, previous)
    if chain is None:
        mapping._unlinked = True
        mapping.problems.append(_(
            "Bộ chỉ số “%(current)s” không khai báo phiên bản trước là “%(previous)s”: các số liệu không được so sánh "
            "với năm trước. Khai báo phiên bản năm trước và tiêu chí tương ứng trong bộ chỉ số.") % {
            "current": framework, "previous": previous})
        return mapping
    nodes = _Nodes(criteria)
    links, succs, invalid_ids = _direct_links(nodes.of(chain[0].pk), nodes.of(chain[1].pk), chain[0])
    # Which nodes of each version still continue into the newest one (for `dropped`).
    alive = {pk for pk, ids in succs.items() if ids}
    for newer, older in zip(chain[1:], chain[2:], strict=False):
        inner, step_succs, _invalid = _direct_links(nodes.of(newer.pk), nodes.of(older.pk), newer)
        codes = {c.pk: c.code for c in nodes.of(newer.pk)}
        oldest_codes = {c.pk: c.code for c in nodes.of(older.pk)}
        _compose(links, inner, codes, oldest_codes)
        alive = {pk for pk, ids in step_succs.items() if set(ids) & alive}
    _check_parents(links, nodes.of(framework.pk), nodes.of(previous.pk))
    mapping.links = links
    mapping.dropped = [c for c in nodes.of(previous.pk) if c.pk not in alive]
    undeclared = [c.criterion.code for c in links.values() if not c.lineage]
    if undeclared:
        mapping.problems.append(_(
            "%(count)s nội dung của bộ chỉ số “%(current)s” chưa khai báo tương ứng năm trước (%(codes)s): báo cáo sẽ "
            "không so sánh các nội dung này.") % {"count": len(undeclared), "current": framework,
                                                 "codes": ", ".join(undeclared[:10]) + ("…" if len(undeclared) > 10 else "")})
    invalid = [links[pk].criterion.code for pk in invalid_ids]
    if invalid:
        mapping.problems.append(_("Khai báo tương ứng năm trước chưa hợp lệ ở: %(codes)s.") % {"codes": ", ".join(invalid)})
    return mapping
