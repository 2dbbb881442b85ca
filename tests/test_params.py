import pytest

from statmech import derive
from statmech.errors import UserError
from statmech.params import grid, parse_assignments


def test_range_expands_inclusive():
    model = derive.get_model("two-level")
    fixed, ranges = parse_assignments(model, ["T=1:2:3"])
    assert [p["T"] for p in grid(fixed, ranges)] == [1.0, 1.5, 2.0]


@pytest.mark.parametrize(
    "arg, message",
    [
        ("T=-1", "temperature must be positive, got T=-1.0"),
        ("T=0", "temperature must be positive, got T=0.0"),
        ("Q=3", "has no parameter 'Q'"),
        ("T=abc", "T must be a number"),
        ("T=1:2", "START:STOP:COUNT"),
        ("N=2.5", "N must be an integer"),
    ],
)
def test_bad_assignments_are_explained(arg, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(")):
        parse_assignments(derive.get_model("two-level"), [arg])
