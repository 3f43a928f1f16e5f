"""Load the Điện Biên demo data (report 661/BC-SNV) idempotently.

Every object is found by its natural key and written only when a value differs, so a
second run changes nothing: not the rows, not the history, not the audit log.
"""
from __future__ import annotations

import json
import secrets
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from scorecards import permissions
from scorecards.models import (
    Agency, Assignment, Criterion, EvaluationPeriod, Framework, NationalResult, Province, Score,
    SipasExpectation, SipasGroup, SipasIndicator, SipasQuestionnaire, SipasSection, SipasValue, User,
)
from scorecards.choices import FROZEN_STATUSES, ScoreState
from scorecards.services.periods import ensure_scores

DATA_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "dien_bien_demo.json"
ROLE_GROUPS = {"home_affairs": permissions.HOME_AFFAIRS, "agency": permissions.AGENCY_STAFF, "leader": permissions.LEADERS,
               "sysadmin": permissions.SYSADMINS}


def _dec(value):
    return None if value is None else Decimal(value)


def upsert(model, lookup: dict, values: dict):
    """Create the row when it is missing; an existing row is left as it is, so that a second
    run never undoes what users changed since (no data is lost, no change goes unaudited)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.save()
        return obj, True
    return obj, False


def load_data() -> dict:
    with open(DATA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


@transaction.atomic
def load_demo(password: str | None = None, stdout=None, rounds: bool = True) -> dict:
    """`rounds`: also load the illustrative rounds of the province's own index (services.demo_rounds)."""
    data = load_data()
    province, _ = upsert(Province, {"code": data["province"]["code"]}, {"name": data["province"]["name"]})
    agencies = _load_agencies(data, province)
    frameworks = {}
    for fw in [data["framework"], *data.get("framework_versions", [])]:
        frameworks[fw["code"]] = _load_framework(fw, frameworks)
    framework = frameworks[data["framework"]["code"]]

    sq = data["sipas"]
    questionnaire, _ = upsert(SipasQuestionnaire, {"code": sq["code"]}, {"name": sq["name"], "year_from": sq.get("year_from")})
    sections = {s["code"]: upsert(SipasSection, {"questionnaire": questionnaire, "code": s["code"]},
                                  {"name": s["name"], "order": s["order"]})[0] for s in sq["sections"]}
    groups = {g["code"]: upsert(SipasGroup, {"questionnaire": questionnaire, "code": g["code"]},
                                {"section": sections[g["section"]], "name": g["name"], "order": g["order"]})[0] for g in sq["groups"]}
    indicators = {str(i["number"]): upsert(SipasIndicator, {"questionnaire": questionnaire, "number": i["number"]},
                                           {"group": groups[i["group"]], "text": i["text"]})[0] for i in sq["indicators"]}

    subject = next(a for a in agencies.values() if a.kind == Agency.Kind.PROVINCE)
    for p in data["periods"]:
        period_framework = frameworks[p.get("framework", framework.code)]
        criteria = period_framework.demo_criteria
        # One period per subject and year: a database loaded by an earlier demo keeps its own.
        period = EvaluationPeriod.objects.filter(year=p["year"], subject=subject).first()
        if period is not None and period.framework_id != period_framework.pk:
            continue
        if period is None:
            deadline = timezone.now() + timedelta(days=p["deadline_days"]) if p.get("deadline_days") else None
            period = EvaluationPeriod.objects.create(
                year=p["year"], framework=period_framework, subject=subject, status=p["status"],
                published_decision=p["published_decision"], self_assessment_deadline=deadline,
                sipas_questionnaire=questionnaire, is_illustrative=p.get("illustrative", False),
            )
        for code, lead in p["assignments"].items():
            assignment, created = upsert(Assignment, {"period": period, "criterion": criteria[code]},
                                         {"lead_agency": agencies[lead]})
            if created:
                assignment.supporting_agencies.set([agencies[s].pk for s in p["supporting"].get(code, [])])
        ensure_scores(period)
        scores = {s.criterion.code: s for s in Score.objects.filter(period=period).select_related("criterion")}
        # A finished period's scores were reviewed and accepted before the Ministry appraised them.
        state = ScoreState.ACCEPTED if period.status in FROZEN_STATUSES else ScoreState.DRAFT
        for code, values in p["scores"].items():
            score = scores[code]
            if score.version != 1 or score.updated_by_id is not None:
                continue  # a user has worked on it: leave it
            wanted = {"self_points": _dec(values.get("self")), "appraised_points": _dec(values.get("appraised")),
                      "appraisal_reason": values.get("reason", ""), "state": state}
            if any(getattr(score, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(score, k, v)
                score.save()
        for number, pct in p["sipas_values"].items():
            upsert(SipasValue, {"period": period, "indicator": indicators[number]}, {"pct": Decimal(pct)})
        for order, e in enumerate(p["expectations"]):
            upsert(SipasExpectation, {"period": period, "order": order}, {"text": e["text"], "pct": Decimal(e["pct"])})
        _load_sipas_points(period, data, p["year"])

    for r in data["national_results"]:
        values = {"par_score": _dec(r.get("par_score")), "par_rank": r.get("par_rank"),
                  "sipas_pct": _dec(r.get("sipas_pct")), "sipas_rank": r.get("sipas_rank"),
                  "ranked_count": r["ranked_count"], "decision": r.get("decision", ""),
                  "is_illustrative": r.get("illustrative", False)}
        if r.get("illustrative"):
            values.update(_illustrative_results(subject, r["year"]))
        upsert(NationalResult, {"year": r["year"], "province": province}, values)
    _load_national_table(province)

    created_passwords = {}
    for u in data["users"]:
        role = u["role"]
        wanted = {
            "first_name": u["first_name"], "last_name": u["last_name"], "email": u.get("email", ""),
            "agency": agencies[u["agency"]] if u["agency"] else None,
            "is_staff": role in ("home_affairs", "leader", "sysadmin"),
        }
        user = User.objects.filter(username=u["username"]).first()
        dirty = user is None
        if user is None:
            user = User(username=u["username"], **wanted)
            created_passwords[user.username] = password or secrets.token_urlsafe(9)
            user.set_password(created_passwords[user.username])
        else:
            if password and not user.check_password(password):
                user.set_password(password)
                created_passwords[user.username] = password
                dirty = True
            for k, v in wanted.items():
                if getattr(user, k) != v:
                    setattr(user, k, v)
                    dirty = True
        if dirty:
            user.save()
        group = Group.objects.get(name=ROLE_GROUPS[role])
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)

    if rounds:
        from scorecards.services.demo_rounds import load_demo_rounds

        created_passwords.update(load_demo_rounds(province, password=password))

    from reports.demo import load_report_demo

    load_report_demo(data)

    from scorecards.services.demo_plans import load_demo_plans

    load_demo_plans()
    return created_passwords


def _load_national_table(own_province) -> int:
    """The other provinces' results of 2023 and 2024 (fixtures/national_illustrative.json),
    marked illustrative: the what-if ranks need a whole year's table, and the demo holds only
    the province's own published figures. Generated to agree with them (2024: 88,23, 35/63;
    2023: 88,02, 20/63); rows and provinces already there are left as they are (never the
    province's own), so a second run changes nothing. Returns how many results were created."""
    with open(DATA_FILE.with_name("national_illustrative.json"), encoding="utf-8") as fh:
        table = json.load(fh)
    provinces = {p.code: p for p in Province.objects.filter(code__in=[p["code"] for p in table["provinces"]])}
    for p in table["provinces"]:
        if p["code"] not in provinces and p["code"] != own_province.code:
            provinces[p["code"]], _ = upsert(Province, {"code": p["code"]}, {"name": p["name"]})
    rows = [r for r in table["results"] if r["province"] != own_province.code]
    existing = set(NationalResult.objects.filter(year__in={r["year"] for r in rows}, province__in=provinces.values())
                   .values_list("year", "province_id"))
    new = [NationalResult(year=r["year"], province=provinces[r["province"]], par_score=_dec(r["par_score"]),
                          par_rank=r["par_rank"], sipas_pct=_dec(r["sipas_pct"]), sipas_rank=r["sipas_rank"],
                          ranked_count=r["ranked_count"], is_illustrative=True)
           for r in rows if (r["year"], provinces[r["province"]].pk) not in existing]
    NationalResult.objects.bulk_create(new)
    return len(new) + _load_national_table_2025(table, provinces, own_province)


MERGED_ON = date(2025, 7, 1)  # Nghị quyết 202/2025/QH15: 34 provinces from this day


def _load_national_table_2025(table: dict, provinces: dict, own_province) -> int:
    """The 34 provinces of 2025 (23 formed on 1/7/2025 from 52, with their predecessors,
    which end the day before; 11 unchanged) and their illustrative 2025 results: the
    province's own illustrative score plus a fixed offset each, so that it keeps its
    illustrative ranks (12/34, SIPAS 21/34). Ranks are computed, competition style, on two
    decimals. Nothing already there is changed. Returns how many results were created."""
    from scorecards.services.ranking import competition_ranks

    own = NationalResult.objects.filter(year=2025, province=own_province).first()
    if own is None or own.par_score is None or own.sipas_pct is None:
        return 0
    for p in table["provinces_2025"]:
        province, created = upsert(Province, {"code": p["code"]}, {"name": p["name"], "valid_from": MERGED_ON})
        if created:
            province.predecessors.set([provinces[c] for c in p["predecessors"]])
            Province.objects.filter(code__in=p["predecessors"], valid_to__isnull=True).update(
                valid_to=MERGED_ON - timedelta(days=1))
        provinces[p["code"]] = province
    hundredths = Decimal("0.01")
    figures = {r["province"]: (min(own.par_score + Decimal(r["par_offset"]), Decimal(100)).quantize(hundredths),
                               min(own.sipas_pct + Decimal(r["sipas_offset"]), Decimal(100)).quantize(hundredths))
               for r in table["results_2025"]}
    everyone = [(own_province.code, own.par_score, own.sipas_pct)] + [(c, par, sipas) for c, (par, sipas) in figures.items()]
    codes = [c for c, _par, _sipas in everyone]
    par_ranks = dict(zip(codes, competition_ranks([par for _c, par, _sipas in everyone]), strict=False))
    sipas_ranks = dict(zip(codes, competition_ranks([sipas for _c, _par, sipas in everyone]), strict=False))
    existing = set(NationalResult.objects.filter(year=2025).values_list("province__code", flat=True))
    new = [NationalResult(year=2025, province=provinces[c], par_score=par, par_rank=par_ranks[c], sipas_pct=sipas,
                          sipas_rank=sipas_ranks[c], ranked_count=len(everyone), is_illustrative=True)
           for c, (par, sipas) in figures.items() if c not in existing]
    NationalResult.objects.bulk_create(new)
    return len(new)


def _load_agencies(data, province) -> dict:
    """The agencies of every year: those that ended (1/3/2025) name the one that took over."""
    agencies = {}
    for a in data["agencies"]:
        values = {k: a[k] for k in ("name", "short_name", "kind", "order")}
        values["province"] = province if a.get("province") else None
        for key in ("started_on", "ended_on"):
            values[key] = date.fromisoformat(a[key]) if a.get(key) else None
        agencies[a["code"]], _ = upsert(Agency, {"code": a["code"]}, values)
    for a in data["agencies"]:
        agency = agencies[a["code"]]
        if a.get("successor") and agency.successor_id is None:
            agency.successor = agencies[a["successor"]]
            agency.save(update_fields=["successor"])
    return agencies


def _load_framework(fw: dict, loaded: dict) -> Framework:
    """A framework version and its criteria; a later version names its counterparts in the
    version before (`previous`, `lineage`), as the Ministry's annex would be imported."""
    previous = loaded.get(fw.get("previous"))
    framework, _ = upsert(Framework, {"code": fw["code"]}, {
        "name": fw["name"], "legal_basis": fw["legal_basis"], "total_points": Decimal(fw["total_points"]),
        "year_from": fw.get("year_from"), "year_to": fw.get("year_to"), "previous": previous,
    })
    criteria = {}
    for c in fw["criteria"]:  # parents come before children in the file
        criteria[c["code"]], created = upsert(Criterion, {"framework": framework, "code": c["code"]}, {
            "parent": criteria[c["parent"]] if c["parent"] else None, "name": c["name"],
            "max_points": Decimal(c["max"]), "scoring_source": c["source"], "guide": c["guide"],
            "is_placeholder": c["placeholder"], "order": c["order"], "lineage": c.get("lineage", ""),
        })
        if created and previous is not None and c.get("previous"):
            criteria[c["code"]].predecessors.set([previous.demo_criteria[code] for code in c["previous"]])
    framework.demo_criteria = criteria
    return framework


def _illustrative_results(subject, year) -> dict:
    """Figures of a year whose real results were not found: computed from the illustrative
    scores and SIPAS values loaded for it, so that every figure of its report checks out."""
    from scorecards.services.scorecard import build_scorecard

    period = EvaluationPeriod.objects.filter(year=year, subject=subject).first()
    if period is None:
        return {}
    return {"par_score": build_scorecard(period).totals.appraised.quantize(Decimal("0.01")),
            "sipas_pct": _mean_sipas(period)}


def _mean_sipas(period) -> Decimal | None:
    """The mean of a period's SIPAS values (%, two places): the illustrative overall index."""
    values = list(period.sipas_values.values_list("pct", flat=True))
    return (sum(values) / len(values)).quantize(Decimal("0.01")) if values else None


def _sipas_pct(data, period, year):
    published = next((r for r in data["national_results"] if r["year"] == year and r.get("sipas_pct")), None)
    if published:
        return Decimal(published["sipas_pct"])
    illustrative = any(r["year"] == year and r.get("illustrative") for r in data["national_results"])
    return _mean_sipas(period) if illustrative else None


def _load_sipas_points(period, data, year):
    """SIPAS points of the PAR Index come from the published SIPAS %, converted."""
    from scorecards.services.sipas import sipas_points

    pct = _sipas_pct(data, period, year)
    if pct is None:
        return
    for score in Score.objects.filter(period=period, criterion__scoring_source="sipas").select_related("criterion"):
        points = sipas_points(pct, score.criterion.max_points)
        if score.appraised_points is None:
            score.appraised_points = points
            score.save()
