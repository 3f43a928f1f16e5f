"""Walk every URL of the workspace as each persona, with the objects of Sở Tư pháp.

The walk lists every route of the `scorecards` namespace: a new route that is not added
here fails the first test, so no page escapes the persona check.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from scorecards.models import Score
from scorecards.services import workflow
from scorecards.services.evidence import attach_evidence

PERSONAS = ("anonymous", "tuphap", "taichinh", "officer", "leader", "outsider")
# name: (method, {persona: expected status}); "login" means a redirect to the login page.
WALK = {
    "home": ("get", {"anonymous": "login", "tuphap": 302, "taichinh": 302, "officer": 200, "leader": 200, "outsider": 200}),
    "workspace": ("get", {"anonymous": "login", "tuphap": 200, "taichinh": 200, "officer": 200, "leader": 200, "outsider": 200}),
    "score": ("get", {"anonymous": "login", "tuphap": 200, "taichinh": 404, "officer": 200, "leader": 200, "outsider": 404}),
    "evidence_download": ("get", {"anonymous": "login", "tuphap": 200, "taichinh": 404, "officer": 200, "leader": 200, "outsider": 404}),
    "evidence_delete": ("post", {"anonymous": "login", "tuphap": 302, "taichinh": 404, "officer": 403, "leader": 403, "outsider": 404}),
    "queue": ("get", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 200, "leader": 403, "outsider": 403}),
    "board_index": ("get", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 302, "leader": 302, "outsider": 403}),
    "board": ("get", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 200, "leader": 200, "outsider": 403}),
    "grant_exception": ("post", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 302, "leader": 403, "outsider": 403}),
    "period_step": ("post", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 302, "leader": 403, "outsider": 403}),
    "log": ("get", {"anonymous": "login", "tuphap": 403, "taichinh": 403, "officer": 200, "leader": 200, "outsider": 403}),
}


def scorecards_route_names():
    resolver = get_resolver()
    namespace = resolver.namespace_dict["scorecards"][1]
    return {p.name for p in namespace.url_patterns if getattr(p, "name", None)}


def test_the_walk_covers_every_route():
    assert scorecards_route_names() == set(WALK)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def tuphap_objects(open_period, tuphap):
    s = Score.objects.get(period=open_period, criterion__code="2.3.2")
    doc = attach_evidence(s.pk, SimpleUploadedFile("bao-cao-stp.pdf", b"%PDF-1.4 bi mat"), actor=tuphap)
    return {"score": s, "document": doc, "period": open_period}


def url_for(name, objs):
    args = {
        "score": [objs["score"].pk], "evidence_download": [objs["document"].pk], "evidence_delete": [objs["document"].pk],
        "board": [objs["period"].pk], "grant_exception": [objs["period"].pk], "period_step": [objs["period"].pk],
    }.get(name, [])
    return reverse(f"scorecards:{name}", args=args)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(WALK))
def test_every_url_as_every_persona(client, request, tuphap_objects, persona, name):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method, expected = WALK[name]
    url = url_for(name, tuphap_objects)
    data = {"status": "bogus", "agency": "", "until": "", "reason": ""} if method == "post" else {}
    response = getattr(client, method)(url, data)
    want = expected[persona]
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], (name, persona)
    else:
        assert response.status_code == want, (name, persona, response.status_code)
    if response.status_code == 200 and name != "evidence_download":
        assert "bi mat" not in response.content.decode()


ACTIONS = ("save", "submit", "return", "accept", "appraise", "explain", "upload", "upload_supplementary")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("persona", ["taichinh", "outsider"])
def test_no_action_on_another_agencys_score(client, request, tuphap_objects, persona, action):
    client.force_login(request.getfixturevalue(persona))
    s = tuphap_objects["score"]
    response = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": action, "version": s.version, "self_points": "1", "explanation": "x", "comment": "x",
        "round": "1", "points": "0", "reason": "x", "text": "x",
        "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 404
    after = Score.objects.get(pk=s.pk)
    assert (after.self_points, after.state, after.version, after.evidence.count()) == (None, "draft", s.version, 1)


@pytest.mark.parametrize("action", ["save", "submit", "upload", "explain"])
@pytest.mark.parametrize("persona", ["leader", "officer"])
def test_readers_cannot_act_for_the_agency(client, request, tuphap_objects, persona, action):
    client.force_login(request.getfixturevalue(persona))
    s = tuphap_objects["score"]
    response = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": action, "version": s.version, "self_points": "1", "explanation": "x", "text": "x",
        "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 x")})
    assert response.status_code == 403
    assert Score.objects.get(pk=s.pk).version == s.version


@pytest.mark.parametrize("action", ["return", "accept", "appraise"])
def test_the_leader_cannot_review(client, leader, tuphap, tuphap_objects, action):
    s = tuphap_objects["score"]
    s = workflow.save_self_assessment(s.pk, actor=tuphap, self_points=1, explanation="x", version=s.version)
    s = workflow.submit_score(s.pk, actor=tuphap, version=s.version)
    client.force_login(leader)
    response = client.post(reverse("scorecards:score", args=[s.pk]), {
        "action": action, "version": s.version, "comment": "x", "round": "1", "points": "0", "reason": "x"})
    assert response.status_code == 403
    assert Score.objects.get(pk=s.pk).state == "submitted"


def test_lists_and_the_log_do_not_leak_through_filters(client, taichinh, tuphap_objects):
    client.force_login(taichinh)
    for params in ({"q": "2.3.2"}, {"period": tuphap_objects["period"].pk, "field": "2"}, {"state": "draft"}):
        response = client.get(reverse("scorecards:workspace"), params)
        assert "2.3.2" not in [row.record.criterion.code for row in response.context["table"].rows]
        assert "Xử lý văn bản trái pháp luật" not in response.content.decode()
