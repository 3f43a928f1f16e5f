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
- A parent (field, criterion) also stops comparing when a leaf moved into it or out of its
  counterpart: its total is no longer about the same content.
- Frameworks with no chain between them: nothing compares, and `problems` says why.

Shapes: `Mapping.counterpart(criterion) -> Counterpart`; `Mapping.problems -> list[str]`
(Vietnamese sentences for the officer's scorecard warning and the report's footnote).
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
    the node does not compare); `note` says, in Vietnamese, why it does not compare or how
    it changed ("trước là 2.1"), for footnotes and warnings.
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
    dropped: list[Criterion] = field(default_factory=list)  # earlier nodes no current node names
    problems: list[str] = field(default_factory=list)

    @property
    def identity(self) -> bool:
        return self.previous is not None and self.previous.pk == self.framework.pk

    @property
    def linked(self) -> bool:
        """True when nodes of the two years can be compared at all."""
        return self.previous is not None and (self.identity or bool(self.links) and not self._unlinked)

    _unlinked: bool = False

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
        undeclared), in framework order: the footnote on how the framework changed."""
        return [c for c in self.links.values() if c.lineage != Lineage.SAME or not c.comparable or c.code_changed]


def _chain(framework: Framework, previous: Framework) -> list[Framework] | None:
    """[framework, framework.previous, …, previous] when the versions link up, else None."""
    chain, node = [framework], framework
    for _step in range(MAX_CHAIN):
        if node.previous_id is None:
            return None
        node = Framework.objects.get(pk=node.previous_id)
        chain.append(node)
        if node.pk == previous.pk:
            return chain
    return None


def _direct_links(framework: Framework, earlier: Framework) -> tuple[dict[int, Counterpart], list[Criterion]]:
    """Counterparts of `framework`'s nodes among `earlier`'s (its declared previous version)."""
    nodes = list(Criterion.objects.filter(framework=framework).order_by("sort_key", "pk"))
    old = {c.pk: c for c in Criterion.objects.filter(framework=earlier).order_by("sort_key", "pk")}
    through = Criterion.predecessors.through
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    for new_id, old_id in through.objects.filter(from_criterion__framework=framework).values_list(
            "from_criterion_id", "to_criterion_id"):
        if old_id in old:
            preds[new_id].append(old_id)
            succs[old_id].append(new_id)
    links = {}
    for node in nodes:
        ids = sorted(preds.get(node.pk, []), key=lambda i: old[i].sort_key)
        codes = [old[i].code for i in ids]
        link = Counterpart(node, node.lineage, ids, codes)
        if node.lineage in ONE_TO_ONE_LINEAGES and len(ids) == 1:
            link.comparable = True
            if node.lineage == Lineage.MOVED or codes != [node.code]:
                link.note = _("năm trước là %(code)s") % {"code": codes[0]}
        elif node.lineage == Lineage.MERGED and ids and all(succs[i] == [node.pk] for i in ids):
            link.comparable = True
            link.note = _("gộp từ %(codes)s của năm trước") % {"codes": ", ".join(codes)}
        elif node.lineage == Lineage.NEW or (not node.lineage and not ids):
            link.note = _("mới, không có nội dung tương ứng năm trước") if node.lineage == Lineage.NEW \
                else _("chưa khai báo nội dung tương ứng năm trước")
        elif node.lineage == Lineage.SPLIT:
            link.note = _("tách từ %(codes)s của năm trước, không so sánh riêng") % {"codes": ", ".join(codes) or "?"}
        else:
            link.note = _("khai báo tương ứng năm trước chưa hợp lệ (%(kind)s, %(n)s nội dung)") % {
                "kind": Lineage(node.lineage).label if node.lineage else _("chưa khai báo"), "n": len(ids)}
        links[node.pk] = link
    dropped = [c for pk, c in old.items() if pk not in succs]
    return links, dropped


def _compose(outer: dict[int, Counterpart], inner: dict[int, Counterpart], inner_codes: dict[int, str]) -> None:
    """Follow `outer` (newest → middle) through `inner` (middle → oldest), in place."""
    for link in outer.values():
        if not link.comparable:
            continue
        ids: list[int] = []
        for mid in link.previous_ids:
            step = inner.get(mid)
            if step is None or not step.comparable:
                link.comparable, link.previous_ids, link.previous_codes = False, [], []
                link.note = _("không so sánh được qua các phiên bản trung gian")
                break
            ids.extend(step.previous_ids)
        else:
            link.previous_ids = ids
            link.previous_codes = [inner_codes[i] for i in ids]


def _check_parents(links: dict[int, Counterpart], framework: Framework, earlier: Framework) -> None:
    """A parent compares only when its leaves' counterparts are its counterpart's leaves."""
    current = list(Criterion.objects.filter(framework=framework).values_list("pk", "parent_id", "code"))
    old = list(Criterion.objects.filter(framework=earlier).values_list("pk", "parent_id", "code"))

    def leaves_under(rows):
        parent_of = {pk: parent for pk, parent, _code in rows}
        has_children = {parent for _pk, parent, _code in rows if parent}
        under: dict[int, set[int]] = defaultdict(set)
        for pk, _parent, _code in rows:
            if pk in has_children:
                continue
            node = pk
            while node is not None:
                under[node].add(pk)
                node = parent_of.get(node)
        return under, has_children

    cur_under, cur_parents = leaves_under(current)
    old_under, _old_parents = leaves_under(old)
    old_code = {pk: code for pk, _p, code in old}
    leaf_old_ids = {pk: set(links[pk].previous_ids) for pk in links if pk not in cur_parents}
    for pk in cur_parents:
        link = links.get(pk)
        if link is None or not link.comparable:
            continue
        mine = set().union(*(leaf_old_ids.get(leaf, set()) for leaf in cur_under[pk]))
        theirs = set().union(*(old_under.get(i, {i}) for i in link.previous_ids))
        moved_in, moved_out = mine - theirs, {i for i in theirs - mine if any(
            i in ids for leaf, ids in leaf_old_ids.items() if leaf not in cur_under[pk])}
        if moved_in or moved_out:
            link.comparable = False
            codes = sorted(old_code[i] for i in moved_in | moved_out)
            link.note = _("nội dung thay đổi so với năm trước (chuyển %(codes)s): không so sánh") % {"codes": ", ".join(codes)}


def framework_mapping(framework: Framework, previous: Framework | None) -> Mapping:
    """The join of `framework`'s nodes with `previous`'s; a fixed number of queries per version."""
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
    links, dropped = _direct_links(chain[0], chain[1])
    for newer, older in zip(chain[1:], chain[2:], strict=False):
        inner, dropped = _direct_links(newer, older)
        codes = dict(Criterion.objects.filter(framework=older).values_list("pk", "code"))
        _compose(links, inner, codes)
    _check_parents(links, framework, previous)
    mapping.links, mapping.dropped = links, dropped
    undeclared = [c.criterion.code for c in links.values() if not c.lineage]
    if undeclared:
        mapping.problems.append(_(
            "%(count)s nội dung của bộ chỉ số “%(current)s” chưa khai báo tương ứng năm trước (%(codes)s): báo cáo sẽ "
            "không so sánh các nội dung này.") % {"count": len(undeclared), "current": framework,
                                                 "codes": ", ".join(undeclared[:10]) + ("…" if len(undeclared) > 10 else "")})
    invalid = [c.criterion.code for c in links.values()
               if (c.lineage in ONE_TO_ONE_LINEAGES and len(c.previous_ids) != 1) or (c.lineage == Lineage.NEW and c.previous_ids)]
    if invalid:
        mapping.problems.append(_("Khai báo tương ứng năm trước chưa hợp lệ ở: %(codes)s.") % {"codes": ", ".join(invalid)})
    return mapping
