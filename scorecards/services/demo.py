"""Load the Điện Biên demo data (report 661/BC-SNV) idempotently.

Every object is found by its natural key and written only when a value differs, so a
second run changes nothing: not the rows, not the history, not the audit log.
"""
from __future__ import annotations

import json
import secrets
from datetime import timedelta
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
def load_demo(password: str | None = None, stdout=None) -> dict:
    data = load_data()
    province, _ = upsert(Province, {"code": data["province"]["code"]}, {"name": data["province"]["name"]})
    agencies = {}
    for a in data["agencies"]:
        values = {k: a[k] for k in ("name", "short_name", "kind", "order")}
        values["province"] = province if a.get("province") else None
        agencies[a["code"]], _ = upsert(Agency, {"code": a["code"]}, values)

    fw = data["framework"]
    framework, _ = upsert(Framework, {"code": fw["code"]}, {
        "name": fw["name"], "legal_basis": fw["legal_basis"], "total_points": Decimal(fw["total_points"]),
        "year_from": fw.get("year_from"),
    })
    criteria = {}
    for c in fw["criteria"]:  # parents come before children in the file
        criteria[c["code"]], _ = upsert(Criterion, {"framework": framework, "code": c["code"]}, {
            "parent": criteria[c["parent"]] if c["parent"] else None, "name": c["name"],
            "max_points": Decimal(c["max"]), "scoring_source": c["source"], "guide": c["guide"],
            "is_placeholder": c["placeholder"], "order": c["order"],
        })

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
        period = EvaluationPeriod.objects.filter(year=p["year"], framework=framework, subject=subject).first()
        if period is None:
            deadline = timezone.now() + timedelta(days=p["deadline_days"]) if p.get("deadline_days") else None
            period = EvaluationPeriod.objects.create(
                year=p["year"], framework=framework, subject=subject, status=p["status"],
                published_decision=p["published_decision"], self_assessment_deadline=deadline,
                sipas_questionnaire=questionnaire,
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
        upsert(NationalResult, {"year": r["year"], "province": province}, {
            "par_score": _dec(r.get("par_score")), "par_rank": r.get("par_rank"),
            "sipas_pct": _dec(r.get("sipas_pct")), "sipas_rank": r.get("sipas_rank"),
            "ranked_count": r["ranked_count"], "decision": r.get("decision", ""),
        })

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

    from reports.demo import load_report_demo

    load_report_demo(data)
    return created_passwords


def _load_sipas_points(period, data, year):
    """SIPAS points of the PAR Index come from the published SIPAS %, converted."""
    from scorecards.services.sipas import sipas_points

    published = next((r for r in data["national_results"] if r["year"] == year and r.get("sipas_pct")), None)
    if not published:
        return
    for score in Score.objects.filter(period=period, criterion__scoring_source="sipas").select_related("criterion"):
        points = sipas_points(Decimal(published["sipas_pct"]), score.criterion.max_points)
        if score.appraised_points is None:
            score.appraised_points = points
            score.save()
