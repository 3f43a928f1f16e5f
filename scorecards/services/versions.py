"""A new year's versions: copy a framework or a SIPAS questionnaire, carry assignments over.

Sở Nội vụ starts a new year by copying last year's framework (every node "giữ nguyên",
naming its source node as its counterpart) and then editing the copy (rename, move, split,
merge, add) in the admin; likewise the SIPAS questionnaire. The new year's assignments
come from last year's, through the framework mapping (scorecards.services.lineage), each
agency replaced by the one that took over its work (Sở Kế hoạch và Đầu tư → Sở Tài chính
from 1/3/2025). Every write here is checked and audited like services.records: Sở Nội vụ
only, never into a published or closed period, one audit event per copy, one transaction.
Queries do not grow with the size of the framework (bulk writes, a fixed number per level).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scorecards.choices import AuditAction, Lineage
from scorecards.models import (
    Agency, Assignment, AuditEvent, Criterion, EvaluationPeriod, Framework, Score, SipasGroup, SipasIndicator,
    SipasQuestionnaire, SipasSection,
)
from scorecards.services.periods import ensure_scores
from scorecards.services.records import _require_manager
from scorecards.text import code_sort_key, fold


# ---- versions ---------------------------------------------------------------------

def suggested_copy(source: Framework | SipasQuestionnaire) -> dict:
    """Initial values of the copy form: the year after the source's last year, a code with that year."""
    periods = source.periods.order_by("-year").values_list("year", flat=True)
    last = max(filter(None, [source.year_from, source.year_to, periods.first()]), default=None)
    year = last + 1 if last else None
    code = source.code
    if year:
        code = re.sub(r"\d{4}$", str(year), code) if re.search(r"\d{4}$", code) else f"{code}-{year}"
    return {"code": code[:40], "name": source.name, "year_from": year}


def _close_source(source, year_from: int, kind: str) -> list:
    """Check that `source` can end the year before `year_from`; return its year_to [before, after]."""
    if source.year_from and year_from <= source.year_from:
        raise ValidationError({"year_from": _(
            "Phiên bản mới phải áp dụng từ sau năm %(year)s (năm bắt đầu của “%(source)s”).") % {
            "year": source.year_from, "source": source}})
    if source.year_to and source.year_to >= year_from:
        raise ValidationError({"year_from": _(
            "“%(source)s” áp dụng đến năm %(to)s: phiên bản mới phải áp dụng từ năm %(next)s trở đi.") % {
            "source": source, "to": source.year_to, "next": source.year_to + 1}})
    later = source.next_versions.first()
    if later is not None:
        raise ValidationError(_("“%(source)s” đã có phiên bản năm sau “%(later)s” (%(code)s): sao chép từ phiên bản đó.") % {
            "source": source, "later": later, "code": later.code})
    used = sorted(set(source.periods.filter(year__gte=year_from).values_list("year", flat=True)))
    if used:
        hint = (_("hoặc bỏ chọn bộ câu hỏi này ở kỳ đó (khi kỳ chưa có kết quả SIPAS) rồi sao chép và chọn bộ câu hỏi mới")
                if isinstance(source, SipasQuestionnaire) else
                _("hoặc xoá kỳ đó khi còn dự thảo (kỳ đang tự đánh giá: đưa về dự thảo tại bảng tiến độ trước) rồi sao "
                  "chép và tạo lại kỳ với bộ chỉ số mới"))
        raise ValidationError({"year_from": _(
            "%(kind)s “%(source)s” đang được dùng cho kỳ đánh giá năm %(years)s: phiên bản mới phải áp dụng từ năm "
            "%(next)s trở đi, %(hint)s.") % {"kind": kind, "source": source, "years": ", ".join(map(str, used)),
                                             "next": used[-1] + 1, "hint": hint}})
    before = source.year_to
    if source.year_to is None:
        source.year_to = year_from - 1
        # Only the end year changes: it keeps covering every year a period used it for
        # (checked above), so a published period's framework stays what it was.
        type(source).objects.filter(pk=source.pk).update(year_to=source.year_to)
    return [before, source.year_to]


def _new_version(model, source, *, code, name, year_from, legal_basis):
    copy = model(code=code, name=name, year_from=year_from, legal_basis=legal_basis, previous=source)
    if model is Framework:
        copy.total_points = source.total_points
    copy.full_clean()
    copy.save()
    return copy


def _log(action, obj, actor, **data):
    AuditEvent.log(action, actor=actor, model=obj._meta.label_lower, object_id=obj.pk, object=str(obj)[:200], **data)


@transaction.atomic
def copy_framework(source: Framework, *, code: str, name: str, year_from: int, actor, legal_basis: str = "") -> Framework:
    """A new version of `source` from `year_from`: the same tree, every node "giữ nguyên"
    with its source node as counterpart; `source` ends the year before when it had no end.

    Raises PermissionDenied (not Sở Nội vụ), ValidationError (code taken, years overlap,
    source already has a next version, or still used by a period of `year_from` or later).
    """
    _require_manager(actor)
    source = Framework.objects.select_for_update().get(pk=source.pk)
    years = _close_source(source, year_from, _("Bộ chỉ số"))
    copy = _new_version(Framework, source, code=code, name=name, year_from=year_from, legal_basis=legal_basis)
    nodes = list(Criterion.objects.filter(framework=source).order_by("sort_key", "pk"))
    parent_of = {c.pk: c.parent_id for c in nodes}

    def depth(pk):
        d = 0
        while parent_of.get(pk):
            pk, d = parent_of[pk], d + 1
        return d

    by_depth: dict[int, list[Criterion]] = defaultdict(list)
    for c in nodes:
        by_depth[depth(c.pk)].append(c)
    new_id: dict[int, int] = {}
    for d in sorted(by_depth):
        rows = [Criterion(
            framework=copy, parent_id=new_id[c.parent_id] if c.parent_id else None, code=c.code, name=c.name,
            max_points=c.max_points, scoring_source=c.scoring_source, guide=c.guide, is_placeholder=c.is_placeholder,
            order=c.order, lineage=Lineage.SAME, level=c.level, sort_key=code_sort_key(c.code),
            search_text=fold(f"{c.code} {c.name}"),
        ) for c in by_depth[d]]
        # bulk_create skips save(): level, sort_key and search_text are set above.
        Criterion.objects.bulk_create(rows)
        for old, new in zip(by_depth[d], rows, strict=True):
            new_id[old.pk] = new.pk
    through = Criterion.predecessors.through
    through.objects.bulk_create([through(from_criterion_id=new_id[c.pk], to_criterion_id=c.pk) for c in nodes])
    _log(AuditAction.FRAMEWORK_COPIED, copy, actor, source=source.code, source_id=source.pk, criteria=len(nodes),
         year_from=year_from, source_year_to=years)
    return copy


@transaction.atomic
def copy_questionnaire(source: SipasQuestionnaire, *, code: str, name: str, year_from: int, actor,
                       legal_basis: str = "") -> SipasQuestionnaire:
    """A new version of a SIPAS questionnaire: its sections, groups and indicators, each
    indicator naming its source as `previous`; `source` ends the year before when open.

    Raises PermissionDenied, ValidationError (as copy_framework).
    """
    _require_manager(actor)
    source = SipasQuestionnaire.objects.select_for_update().get(pk=source.pk)
    years = _close_source(source, year_from, _("Bộ câu hỏi SIPAS"))
    copy = _new_version(SipasQuestionnaire, source, code=code, name=name, year_from=year_from, legal_basis=legal_basis)
    sections = list(SipasSection.objects.filter(questionnaire=source).order_by("order", "code", "pk"))
    new_sections = [SipasSection(questionnaire=copy, code=s.code, name=s.name, order=s.order) for s in sections]
    SipasSection.objects.bulk_create(new_sections)
    section_id = {old.pk: new.pk for old, new in zip(sections, new_sections, strict=True)}
    groups = list(SipasGroup.objects.filter(questionnaire=source).order_by("order", "code", "pk"))
    # bulk_create skips save(): the denormalised questionnaire is set here.
    new_groups = [SipasGroup(questionnaire=copy, section_id=section_id[g.section_id], code=g.code, name=g.name, order=g.order)
                  for g in groups]
    SipasGroup.objects.bulk_create(new_groups)
    group_id = {old.pk: new.pk for old, new in zip(groups, new_groups, strict=True)}
    indicators = list(SipasIndicator.objects.filter(questionnaire=source).order_by("number", "pk"))
    SipasIndicator.objects.bulk_create([
        SipasIndicator(questionnaire=copy, group_id=group_id[i.group_id], number=i.number, text=i.text, previous=i)
        for i in indicators])
    _log(AuditAction.QUESTIONNAIRE_COPIED, copy, actor, source=source.code, source_id=source.pk, sections=len(sections),
         groups=len(groups), indicators=len(indicators), year_from=year_from, source_year_to=years)
    return copy


# ---- assignments --------------------------------------------------------------------

@dataclass
class CopiedAssignment:
    criterion: Criterion
    lead: Agency
    supporting: list[Agency]
    from_codes: list[str]


@dataclass
class AssignmentCopy:
    """What copy_assignments did: new assignments, agencies replaced by their successors
    (old → new, once each), leaves left for Sở Nội vụ (with the reason), leaves already assigned."""

    from_period: EvaluationPeriod
    to_period: EvaluationPeriod
    assigned: list[CopiedAssignment] = field(default_factory=list)
    moved: list[tuple[Agency, Agency]] = field(default_factory=list)
    unassigned: list[tuple[Criterion, str]] = field(default_factory=list)
    kept: list[Criterion] = field(default_factory=list)

    SHOWN = 15  # unassigned leaves named in the summary

    def summary(self) -> list[str]:
        """Vietnamese sentences for the admin's message."""
        lines = [_("Kỳ %(to)s: đã phân công %(n)d tiêu chí theo phân công năm %(from)s.") % {
            "to": self.to_period.year, "n": len(self.assigned), "from": self.from_period.year}]
        if self.moved:
            lines.append(_("Đơn vị đã kết thúc được thay bằng đơn vị tiếp nhận nhiệm vụ: %(pairs)s.") % {
                "pairs": "; ".join(f"{old} → {new}" for old, new in self.moved)})
        if self.kept:
            lines.append(_("%(n)d tiêu chí đã có phân công, giữ nguyên.") % {"n": len(self.kept)})
        if self.unassigned:
            shown = self.unassigned[:self.SHOWN]
            lines.append(_("%(n)d tiêu chí chưa phân công, cần giao: %(items)s.") % {
                "n": len(self.unassigned),
                "items": "; ".join(f"{c.code} ({reason})" for c, reason in shown)
                + ("; …" if len(self.unassigned) > len(shown) else "")})
        return lines


class _Successors:
    """Each agency replaced by the one answering for its work in `year` (Agency.successor_in),
    walked in memory over all agencies (a few dozen rows); remembers the replacements.

    The rule of who answers for a year is Agency.successor_in.
    """

    def __init__(self, year: int):
        self.year = year
        self.agencies = {a.pk: a for a in Agency.objects.all()}
        for agency in self.agencies.values():
            if agency.successor_id:
                agency.successor = self.agencies[agency.successor_id]
        self.moved: dict[tuple[int, int], None] = {}

    def __call__(self, agency_id: int) -> Agency:
        agency = self.agencies[agency_id].successor_in(self.year)
        if agency.pk != agency_id:
            self.moved.setdefault((agency_id, agency.pk))
        return agency

    def working(self, agency: Agency) -> bool:
        """Still in place when the year's work is assessed (after the year ends)."""
        return agency.answers_for(self.year)

    def pairs(self) -> list[tuple[Agency, Agency]]:
        return [(self.agencies[a], self.agencies[b]) for a, b in self.moved]


def _plan(result: AssignmentCopy, mapping, sources_of, successor: _Successors) -> list[tuple[Assignment, list[int]]]:
    """The new assignments (unsaved, with their supporting agencies' ids); fills `result`."""
    rows = []
    existing = set(Assignment.objects.filter(period=result.to_period).values_list("criterion_id", flat=True))
    for leaf in Criterion.objects.filter(framework_id=result.to_period.framework_id).leaves().order_by("sort_key", "pk"):
        if leaf.pk in existing:
            result.kept.append(leaf)
            continue
        counterpart = mapping.counterpart(leaf)
        if not counterpart.comparable or not counterpart.previous_ids:
            result.unassigned.append((leaf, counterpart.note or _("không có tiêu chí tương ứng năm trước")))
            continue
        sources = sources_of(counterpart.previous_ids)
        if not sources:
            result.unassigned.append((leaf, _("%(codes)s chưa được phân công năm %(year)s") % {
                "codes": ", ".join(counterpart.previous_codes), "year": result.from_period.year}))
            continue
        (first, _first_helpers), others = sources[0], sources[1:]
        lead = successor(first.lead_agency_id)
        if not successor.working(lead):
            result.unassigned.append((leaf, _("%(agency)s đã kết thúc hoạt động, chưa ghi đơn vị tiếp nhận") % {"agency": lead}))
            continue
        # Merged: the first counterpart's lead leads; the others' leads support.
        candidates = [*sources[0][1], *(i for a, helpers in others for i in (a.lead_agency_id, *helpers))]
        helpers = list(dict.fromkeys(a.pk for a in map(successor, candidates) if a.pk != lead.pk and successor.working(a)))
        rows.append((Assignment(period=result.to_period, criterion=leaf, lead_agency=lead), helpers))
        result.assigned.append(CopiedAssignment(leaf, lead, [successor.agencies[i] for i in helpers],
                                                [a.criterion.code for a, _helpers in sources]))
    return rows


@transaction.atomic
def copy_assignments(from_period: EvaluationPeriod, to_period: EvaluationPeriod, actor) -> AssignmentCopy:
    """Assign each leaf of `to_period` that compares one to one (or merged) with leaves of
    `from_period` to the agencies of its counterpart, each replaced by the agency that
    answers for its work in `to_period.year`. Existing assignments are never changed.

    Raises PermissionDenied (not Sở Nội vụ), ValidationError (to_period published or closed,
    or the same period).
    """
    from scorecards.services.lineage import framework_mapping

    _require_manager(actor)
    to_period = EvaluationPeriod.objects.select_for_update().select_related("framework").get(pk=to_period.pk)
    from_period = EvaluationPeriod.objects.select_related("framework").get(pk=from_period.pk)
    to_period.ensure_writable()
    if from_period.pk == to_period.pk:
        raise ValidationError(_("Chọn một kỳ đánh giá khác để sao chép phân công."))
    # Leaves added to the framework since the period was set up get their score rows first.
    ensure_scores(to_period)
    result = AssignmentCopy(from_period, to_period)
    old = {a.criterion_id: a for a in Assignment.objects.filter(period=from_period).select_related("criterion")}
    supporting: dict[int, list[int]] = defaultdict(list)
    for assignment_id, agency_id in Assignment.supporting_agencies.through.objects.filter(
            assignment__period=from_period).order_by("pk").values_list("assignment_id", "agency_id"):
        supporting[assignment_id].append(agency_id)

    def sources_of(criterion_ids):
        return [(old[i], supporting[old[i].pk]) for i in criterion_ids if i in old]

    successor = _Successors(to_period.year)
    rows = _plan(result, framework_mapping(to_period.framework, from_period.framework), sources_of, successor)
    Assignment.objects.bulk_create([row for row, _helpers in rows])
    through = Assignment.supporting_agencies.through
    through.objects.bulk_create([through(assignment_id=row.pk, agency_id=i) for row, helpers in rows for i in helpers])
    # bulk_create skips Assignment.save(): keep each score's responsible agency equal to
    # its lead agency, one UPDATE per agency.
    by_lead: dict[int, list[int]] = defaultdict(list)
    for row, _helpers in rows:
        by_lead[row.lead_agency_id].append(row.criterion_id)
    for agency_id, criterion_ids in by_lead.items():
        Score.objects.filter(period=to_period, criterion_id__in=criterion_ids).update(responsible_agency_id=agency_id)
    result.moved = successor.pairs()
    AuditEvent.log(
        AuditAction.ASSIGNMENTS_COPIED, actor=actor, period=to_period, from_period=from_period.pk,
        from_year=from_period.year,
        assigned={c.criterion.code: [c.lead.code, [a.code for a in c.supporting]] for c in result.assigned},
        moved=[[a.code, b.code] for a, b in result.moved],
        unassigned=[c.code for c, _reason in result.unassigned], kept=[c.code for c in result.kept],
    )
    return result


# ---- the officer's warning ------------------------------------------------------------

@dataclass
class MappingWarning:
    """What the scorecard tells the officer before the report does: the mapping's problems
    and the nodes that will not be compared with last year."""

    framework: Framework
    previous: Framework
    previous_year: int
    problems: list[str]
    not_compared: list[tuple[str, str]]  # (code, why), in framework order
    dropped: list[str]  # codes of last year's nodes that no node names

    @property
    def count(self) -> int:
        return len(self.not_compared)

    @property
    def codes(self) -> list[str]:
        return [code for code, _why in self.not_compared]


def mapping_warning(period: EvaluationPeriod) -> MappingWarning | None:
    """The warning for `period` against its subject's previous period, or None when there is
    nothing to say (no previous period, the same framework both years, no comparison wanted,
    or every node compares)."""
    from scorecards.choices import Baseline
    from scorecards.services.lineage import framework_mapping

    if period.baseline == Baseline.NONE:
        return None
    previous = period.previous()
    if previous is None or previous.framework_id == period.framework_id:
        return None
    mapping = framework_mapping(period.framework, previous.framework)
    if mapping.links:
        not_compared = [(c.criterion.code, c.note) for c in mapping.links.values() if not c.comparable]
    else:
        why = _("không đối chiếu được với bộ chỉ số năm trước")
        not_compared = [(code, why) for code in Criterion.objects.filter(framework_id=period.framework_id)
                        .order_by("sort_key", "pk").values_list("code", flat=True)]
    dropped = [c.code for c in mapping.dropped]
    if not (mapping.problems or not_compared):
        return None
    return MappingWarning(period.framework, previous.framework, previous.year, list(mapping.problems), not_compared, dropped)


def mapping_findings() -> list[tuple[str, str]]:
    """[(level, Vietnamese sentence)] for check_framework: each version's declarations against
    its previous version ("error": a counterpart outside the previous version, or one named
    one to one twice; "warning": what the mapping cannot compare), then periods whose
    previous year used a framework the mapping cannot reach."""
    from scorecards.services.lineage import framework_mapping

    findings: list[tuple[str, str]] = []
    seen: set[str] = set()
    for framework in Framework.objects.select_related("previous").order_by("year_from", "code"):
        if framework.previous_id is None:
            continue
        declared = (Criterion.objects.filter(framework=framework).exclude(lineage="", predecessors=None)
                    .select_related("framework__previous").prefetch_related("predecessors__framework")
                    .order_by("sort_key", "pk"))
        for criterion in declared:
            try:
                criterion.clean_predecessors(list(criterion.predecessors.all()))
            except ValidationError as exc:
                for text in exc.messages:
                    findings.append(("error", _("%(framework)s, tiêu chí %(code)s: %(text)s") % {
                        "framework": framework.code, "code": criterion.code, "text": text}))
        for problem in framework_mapping(framework, framework.previous).problems:
            if problem not in seen:
                seen.add(problem)
                findings.append(("warning", _("%(framework)s so với %(previous)s: %(text)s") % {
                    "framework": framework.code, "previous": framework.previous.code, "text": problem}))
    for period in EvaluationPeriod.objects.select_related("framework", "subject").order_by("year", "pk"):
        warning = mapping_warning(period)
        for problem in warning.problems if warning else []:
            if problem not in seen:
                seen.add(problem)
                findings.append(("warning", _("Kỳ %(year)s – %(subject)s: %(text)s") % {
                    "year": period.year, "subject": period.subject, "text": problem}))
    return findings
