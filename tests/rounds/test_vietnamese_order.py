"""Units of a round are listed in Vietnamese order (a ă â b … d đ … u ư …), not by code point,
on the board, in an unranked ranking and among the agencies still to add."""
from scorecards.models import Agency
from scorecards.services import ranking
from scorecards.services import rounds as round_service
from scorecards.services.round_board import round_board
from tests.factories import AgencyFactory

from .conftest import make_round

# Code-point order would put Đ, Ủ and Â after every plain letter (Đ is U+0110, Â U+00C2).
NAMES = ("Ủy ban MTTQ tỉnh", "Văn phòng UBND tỉnh", "Đài Phát thanh", "Âu Lạc", "Ban Dân tộc", "Sở Y tế")
VIETNAMESE = ["Âu Lạc", "Ban Dân tộc", "Đài Phát thanh", "Sở Y tế", "Ủy ban MTTQ tỉnh", "Văn phòng UBND tỉnh"]


def test_vietnamese_order_is_not_code_point_order():
    assert sorted(NAMES) != VIETNAMESE


def test_the_round_board_lists_units_in_vietnamese_order(officer):
    round_ = make_round(officer, departments=NAMES, communes=("Xã A",))
    board = round_board(round_)
    assert [row.subject.name for row in board.groups[0].rows] == VIETNAMESE


def test_units_without_a_rank_are_listed_in_vietnamese_order(officer):
    round_ = make_round(officer, departments=NAMES, communes=("Xã A",))
    group = ranking.round_results(round_, basis=ranking.SELF, with_previous=False)[0]
    unranked = [r.period.subject.name for r in group.results if r.rank is None]
    assert unranked == VIETNAMESE


def test_the_agencies_still_to_add_are_in_vietnamese_order(officer):
    round_ = make_round(officer, departments=("Sở A",), communes=("Xã A",))
    for i, name in enumerate(NAMES):
        AgencyFactory(code=f"vi-order-{i}", name=name, kind=Agency.Kind.DEPARTMENT)
    group = round_.test_groups["so"]
    offered = [a.name for a in round_service.candidates(group) if a.code.startswith("vi-order-")]
    assert offered == VIETNAMESE
