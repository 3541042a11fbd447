"""Tests of dsinterview.attribution: worked examples solved by hand, the Shapley axioms,
and every refusal."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import pandas as pd
import pytest

from dsinterview.attribution import (
    RULE_MODELS,
    markov,
    removal_effects,
    rule_based,
    shapley,
    shapley_values,
    transition_matrix,
)


def table(rows):
    return pd.DataFrame(rows, columns=["path", "conversions", "non_conversions"])


# Three channels, four paths, 20 conversions.
HAND = table(
    [
        (["A", "B", "C"], 10, 5),
        (["B"], 4, 1),
        (["C", "A"], 6, 0),
        (["A"], 0, 7),
    ]
)


def as_dict(s: pd.Series) -> dict:
    return {k: float(v) for k, v in s.items()}


class TestRuleBased:
    # Worked by hand from HAND, path by path.
    def test_first_touch(self):
        # [A,B,C] -> A 10; [B] -> B 4; [C,A] -> C 6.
        np.testing.assert_allclose(
            rule_based(HAND, "first")[["A", "B", "C"]], [10, 4, 6], atol=1e-12
        )

    def test_last_touch(self):
        # [A,B,C] -> C 10; [B] -> B 4; [C,A] -> A 6.
        np.testing.assert_allclose(
            rule_based(HAND, "last")[["A", "B", "C"]], [6, 4, 10], atol=1e-12
        )

    def test_linear(self):
        # [A,B,C] gives 10/3 each; [B] 4 to B; [C,A] 3 each.
        np.testing.assert_allclose(
            rule_based(HAND, "linear")[["A", "B", "C"]],
            [10 / 3 + 3, 10 / 3 + 4, 10 / 3 + 3],
            atol=1e-12,
        )

    def test_position_u_shaped(self):
        # [A,B,C]: 40/20/40 -> A 4, B 2, C 4; [B] all 4 to B; [C,A] splits 50/50 -> 3
        # and 3.
        np.testing.assert_allclose(
            rule_based(HAND, "position")[["A", "B", "C"]], [7, 6, 7], atol=1e-12
        )

    def test_position_four_touches_shares_the_middle(self):
        four = table([(["A", "B", "C", "D"], 10, 0)])
        np.testing.assert_allclose(
            rule_based(four, "position")[["A", "B", "C", "D"]], [4, 1, 1, 4], atol=1e-12
        )

    def test_time_decay_half_life_one(self):
        # Half-life one position: weights 1, 1/2, 1/4 from the end, normalised.
        # [A,B,C]: C 4/7, B 2/7, A 1/7 of 10. [C,A]: A 2/3, C 1/3 of 6. [B]: 4 to B.
        np.testing.assert_allclose(
            rule_based(HAND, "time_decay", half_life=1.0)[["A", "B", "C"]],
            [10 / 7 + 4, 20 / 7 + 4, 40 / 7 + 2],
            atol=1e-12,
        )

    def test_time_decay_default_half_life_is_two_positions(self):
        one = table([(["A", "B", "C"], 1, 0)])
        w = np.array([0.5, 2**-0.5, 1.0])
        np.testing.assert_allclose(
            rule_based(one, "time_decay")[["A", "B", "C"]], w / w.sum(), atol=1e-12
        )

    def test_repeated_channel_collects_each_touch(self):
        rep = table([(["A", "A", "B"], 3, 0)])
        assert as_dict(rule_based(rep, "linear")) == pytest.approx({"A": 2.0, "B": 1.0})

    @pytest.mark.parametrize("model", RULE_MODELS)
    def test_efficiency_and_index(self, model):
        credit = rule_based(HAND, model)
        assert list(credit.index) == ["A", "B", "C"]
        assert credit.sum() == pytest.approx(20.0, abs=1e-12)

    def test_tuples_and_float_counts_are_accepted(self):
        t = table([(("A", "B"), 1.5, 0.5)])
        assert as_dict(rule_based(t, "last")) == pytest.approx({"A": 0.0, "B": 1.5})


class TestShapleyValues:
    def test_glove_game(self):
        # One left glove L, two right gloves: a pair is worth 1. By hand over the 6
        # orderings, L is pivotal in 4 (whenever it is not first), each R in 1 (second,
        # after L first): 4/6, 1/6, 1/6.
        v = lambda s: float("L" in s and bool({"R1", "R2"} & s))  # noqa: E731
        np.testing.assert_allclose(
            shapley_values(v, ["L", "R1", "R2"]), [2 / 3, 1 / 6, 1 / 6], atol=1e-12
        )

    def test_additive_game_returns_the_weights(self):
        w = {"a": 1.5, "b": -2.0, "c": 0.25}
        phi = shapley_values(lambda s: sum(w[p] for p in s), list(w))
        assert as_dict(phi) == pytest.approx(w)

    def test_matches_average_over_all_orderings(self):
        rng = np.random.default_rng(0)
        players = list("abcde")
        table_v = {}

        def v(s):
            if s not in table_v:
                table_v[s] = 0.0 if not s else float(rng.normal())
            return table_v[s]

        phi = shapley_values(v, players)
        brute = dict.fromkeys(players, 0.0)
        orders = list(permutations(players))
        for order in orders:
            seen = frozenset()
            for p in order:
                brute[p] += (v(seen | {p}) - v(seen)) / len(orders)
                seen = seen | {p}
        assert as_dict(phi) == pytest.approx(brute, abs=1e-12)

    def test_efficiency_symmetry_null_player(self):
        rng = np.random.default_rng(1)
        base = {
            frozenset(s): float(rng.normal())
            for s in [
                (),
                ("a",),
                ("b",),
                ("c",),
                ("a", "b"),
                ("a", "c"),
                ("b", "c"),
                ("a", "b", "c"),
            ]
        }
        # b and c are made symmetric: swapping them leaves v unchanged.
        base[frozenset("c")] = base[frozenset("b")]
        base[frozenset("ac")] = base[frozenset("ab")]
        # d is a null player: it never changes the value of a coalition.
        v = lambda s: base[frozenset(s - {"d"})]  # noqa: E731
        phi = shapley_values(v, ["a", "b", "c", "d"])
        assert phi.sum() == pytest.approx(
            base[frozenset("abc")] - base[frozenset()], abs=1e-12
        )
        assert phi["b"] == pytest.approx(phi["c"], abs=1e-12)
        assert phi["d"] == pytest.approx(0.0, abs=1e-12)
        without_d = shapley_values(lambda s: base[frozenset(s)], ["a", "b", "c"])
        np.testing.assert_allclose(phi[["a", "b", "c"]], without_d, atol=1e-12)

    def test_a_mapping_is_a_characteristic_function_too(self):
        # Two players:
        # phi_a = (v(a) - v()) / 2 + (v(ab) - v(b)) / 2 = (1 + 2) / 2 = 1.5,
        # phi_b = 4 - 1.5.
        v = {
            frozenset(): 0.0,
            frozenset("a"): 1.0,
            frozenset("b"): 2.0,
            frozenset("ab"): 4.0,
        }
        phi = shapley_values(v, ["a", "b"])
        assert phi.to_dict() == pytest.approx({"a": 1.5, "b": 2.5})
        np.testing.assert_allclose(phi, shapley_values(lambda s: v[s], ["a", "b"]))
        del v[frozenset("ab")]
        with pytest.raises(
            ValueError,
            match=(
                r"no entry for the coalition \{'a', 'b'\}"
                r"|no entry for the coalition \{'b', 'a'\}"
            ),
        ):
            shapley_values(v, ["a", "b"])

    def test_refusals(self):
        with pytest.raises(
            TypeError,
            match=(
                r"value must map a frozenset of players to a number "
                r"\(a callable or a mapping\)"
            ),
        ):
            shapley_values(3.0, ["a"])
        with pytest.raises(TypeError, match="players must be an iterable"):
            shapley_values(len, "ab")
        with pytest.raises(ValueError, match="players is empty"):
            shapley_values(len, [])
        with pytest.raises(ValueError, match="players must be distinct"):
            shapley_values(len, ["a", "a"])
        with pytest.raises(ValueError, match="too many"):
            shapley_values(len, range(21))
        with pytest.raises(TypeError, match="must return a real number"):
            shapley_values(lambda s: "x", ["a"])
        with pytest.raises(ValueError, match="must be finite"):
            shapley_values(lambda s: float("nan"), ["a"])


class TestPathShapley:
    def test_two_channels_by_hand(self):
        # v(A) = 1/4, v(B) = 2/4, v(AB) = 3/4, v({}) = 0.
        # On {A,B}: phi_A = (v(A) - 0)/2 + (v(AB) - v(B))/2 = 1/4,
        # phi_B = (v(B) - 0)/2 + (v(AB) - v(A))/2 = 1/2, so path [A,B]'s 3 conversions
        # split 1 : 2. Paths [A] and [B] keep theirs: A = 1 + 1, B = 2 + 2.
        t = table([(["A"], 1, 3), (["B"], 2, 2), (["A", "B"], 3, 1)])
        assert as_dict(shapley(t)) == pytest.approx({"A": 2.0, "B": 4.0}, abs=1e-12)

    def test_order_and_repeats_are_ignored(self):
        t1 = table([(["A"], 1, 3), (["B"], 2, 2), (["A", "B"], 3, 1)])
        t2 = table([(["A"], 1, 3), (["B"], 2, 2), (["B", "A", "B"], 3, 1)])
        pd.testing.assert_series_equal(shapley(t1), shapley(t2))

    def test_unseen_subset_counts_zero(self):
        # Only {A,B} is observed: v(A) = v(B) = 0, so each gets half of v(AB) and half
        # the conversions.
        t = table([(["A", "B"], 4, 4)])
        assert as_dict(shapley(t)) == pytest.approx({"A": 2.0, "B": 2.0})

    def test_refuses_too_many_channels(self):
        wide = table([([f"c{i}" for i in range(21)], 1, 0)])
        with pytest.raises(ValueError, match="21 channels is too many"):
            shapley(wide)

    def test_efficiency_on_a_random_table(self):
        rng = np.random.default_rng(3)
        chans = list("ABCDE")
        rows = [
            (
                list(rng.choice(chans, size=rng.integers(1, 5))),
                int(rng.integers(0, 9)),
                int(rng.integers(0, 9)),
            )
            for _ in range(60)
        ]
        t = table(rows)
        assert shapley(t).sum() == pytest.approx(t["conversions"].sum(), abs=1e-9)


class TestMarkov:
    # Paths [A] 1 of 2, [B] 1 of 1, [A,B] 1 of 2 convert. Transitions by hand:
    # start -> A 4/5, start -> B 1/5; A -> conv 1/4, A -> null 1/4, A -> B 2/4;
    # B -> conv 2/3, B -> null 1/3.
    # p = 4/5 * (1/4 + 1/2 * 2/3) + 1/5 * 2/3 = 3/5 (= 3 conversions / 5 journeys).
    # Without A: 1/5 * 2/3 = 2/15, removal 1 - (2/15)/(3/5) = 7/9.
    # Without B: 4/5 * 1/4 = 1/5, removal 1 - (1/5)/(3/5) = 2/3.
    # Normalised over 7/9 + 6/9 = 13/9: A 7/13, B 6/13 of 3 conversions.
    T = table([(["A"], 1, 1), (["B"], 1, 0), (["A", "B"], 1, 1)])

    def test_transition_matrix_by_hand(self):
        P = transition_matrix(self.T)
        assert P.loc["(start)", "A"] == pytest.approx(0.8)
        assert P.loc["(start)", "B"] == pytest.approx(0.2)
        assert P.loc["A", ["(conversion)", "(null)", "B"]].tolist() == pytest.approx(
            [0.25, 0.25, 0.5]
        )
        assert P.loc["B", ["(conversion)", "(null)"]].tolist() == pytest.approx(
            [2 / 3, 1 / 3]
        )
        np.testing.assert_allclose(P.sum(axis=1).drop("(start)"), 1.0)

    def test_removal_effects_by_hand(self):
        assert as_dict(removal_effects(self.T)) == pytest.approx(
            {"A": 7 / 9, "B": 2 / 3}
        )

    def test_attribution_by_hand(self):
        assert as_dict(markov(self.T)) == pytest.approx({"A": 21 / 13, "B": 18 / 13})

    def test_single_channel_takes_everything(self):
        assert as_dict(
            markov(table([(["A"], 5, 5), (["A", "A"], 1, 0)]))
        ) == pytest.approx({"A": 6.0})

    def test_no_conversions_gives_zeros(self):
        assert as_dict(markov(table([(["A", "B"], 0, 5)]))) == {"A": 0.0, "B": 0.0}
        with pytest.raises(ValueError, match="no conversions"):
            removal_effects(table([(["A"], 0, 5)]))

    def test_efficiency_on_a_random_table(self):
        rng = np.random.default_rng(4)
        chans = list("ABCDEF")
        rows = [
            (
                list(rng.choice(chans, size=rng.integers(1, 6))),
                int(rng.integers(0, 9)),
                int(rng.integers(0, 9)),
            )
            for _ in range(80)
        ]
        t = table(rows)
        assert markov(t).sum() == pytest.approx(t["conversions"].sum(), abs=1e-9)


ALL = [
    lambda t: rule_based(t, "first"),
    lambda t: rule_based(t, "time_decay"),
    shapley,
    markov,
    transition_matrix,
]
IDS = ["rule_based", "time_decay", "shapley", "markov", "transition_matrix"]


@pytest.mark.parametrize("model", ALL, ids=IDS)
class TestRefusals:
    def test_not_a_dataframe(self, model):
        with pytest.raises(TypeError, match="must be a pandas DataFrame"):
            model([(["A"], 1, 0)])

    def test_missing_columns(self, model):
        with pytest.raises(
            ValueError, match=r"missing the column\(s\) \['non_conversions'\]"
        ):
            model(pd.DataFrame({"path": [["A"]], "conversions": [1]}))

    def test_empty_table(self, model):
        with pytest.raises(ValueError, match="is empty"):
            model(table([]))

    def test_negative_counts(self, model):
        with pytest.raises(
            ValueError,
            match=r"non_conversions'\] must be non-negative counts; row 1 has -2",
        ):
            model(table([(["A"], 1, 0), (["B"], 1, -2)]))

    def test_non_finite_counts(self, model):
        with pytest.raises(ValueError, match="must be finite counts"):
            model(table([(["A"], np.nan, 0)]))

    def test_non_numeric_counts(self, model):
        with pytest.raises(TypeError, match="must hold numbers"):
            model(table([(["A"], "many", 0)]))

    def test_empty_path(self, model):
        with pytest.raises(ValueError, match="row 1 is an empty path"):
            model(table([(["A"], 1, 0), ([], 1, 0)]))

    def test_path_as_string(self, model):
        with pytest.raises(TypeError, match="must be a list of channel names"):
            model(table([("A > B", 1, 0)]))

    def test_unhashable_channel(self, model):
        with pytest.raises(TypeError, match="channel names must be hashable"):
            model(table([([["A"]], 1, 0)]))


def test_rule_based_refuses_unknown_model_and_bad_half_life():
    with pytest.raises(ValueError, match="model must be one of 'first', 'last'"):
        rule_based(HAND, "u_shaped")
    with pytest.raises(ValueError, match="half_life must be greater than 0"):
        rule_based(HAND, "time_decay", half_life=0.0)
    with pytest.raises(TypeError, match="half_life must be a real number"):
        rule_based(HAND, "time_decay", half_life="2")


def test_shapley_incremental_sums_to_conversions_above_the_baseline():
    from dsinterview.attribution import shapley, shapley_incremental

    paths = pd.DataFrame(
        {
            "path": [["A"], ["B"], ["A", "B"], ["B", "A"]],
            "conversions": [2, 1, 3, 1],
            "non_conversions": [8, 9, 4, 2],
        }
    )
    base = 0.05
    inc = shapley_incremental(paths, base)
    people = (paths["conversions"] + paths["non_conversions"]).sum()
    assert inc.sum() == pytest.approx(paths["conversions"].sum() - base * people)
    # with a zero baseline it splits each set's conversions as shapley() does
    np.testing.assert_allclose(
        shapley_incremental(paths, 0.0).loc[["A", "B"]],
        shapley(paths).loc[["A", "B"]],
    )


def test_shapley_incremental_refusals():
    from dsinterview.attribution import shapley_incremental

    paths = pd.DataFrame({"path": [["A"]], "conversions": [1], "non_conversions": [1]})
    with pytest.raises(ValueError, match="baseline_rate"):
        shapley_incremental(paths, 1.5)
    with pytest.raises(ValueError, match="baseline_rate"):
        shapley_incremental(paths, -0.1)


def test_set_shapley_matches_the_generic_shapley_value_on_random_games():
    # the vectorised per-set games against shapley_values' own enumeration
    from dsinterview.attribution import _rate_table, _subgame_shapley, shapley_values

    rng = np.random.default_rng(5)
    n_ch = 6
    rate = {m: float(rng.random()) for m in rng.choice(2**n_ch, 40, replace=False)}
    table = _rate_table(rate, n_ch, 0.03)
    for mask in [1, 0b101, 0b111011, 2**n_ch - 1]:
        members, phi = _subgame_shapley(table, mask, n_ch)

        def v(coalition, table=table):
            return table[sum(1 << c for c in coalition)]

        expected = shapley_values(v, members)
        np.testing.assert_allclose(phi, expected.to_numpy(), rtol=1e-12, atol=1e-15)
        # efficiency: the values of the game on T sum to v(T) - v(empty)
        assert phi.sum() == pytest.approx(table[mask] - table[0])


def test_missing_channel_label_is_refused():
    for bad in (None, float("nan")):
        with pytest.raises(TypeError, match="channel names must be hashable"):
            rule_based(table([(["A", bad], 1, 0)]), "last")
