"""The estimate beside a venue tier: equal to a fresh one, following the score between updates."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from adl_monitor.core.assess import assess
from adl_monitor.core.estimate.rank_estimator import RankEstimator
from adl_monitor.core.model.account_figures import AccountFigures
from adl_monitor.core.model.account_reading import AccountReading
from adl_monitor.core.model.account_spec import AccountSpec
from adl_monitor.core.model.adl_indicator import AdlIndicator
from adl_monitor.core.model.estimate import Estimate, Score
from adl_monitor.core.model.position import Position
from adl_monitor.core.ranking.formulas import score_position
from tests.core.test_assess import FIGURES, linear

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
BTC_LONGS = ("BTC/USDT:USDT", "long")
KNOWN_CUTS = (0.1, 0.2, 0.3, 0.4)
"""Binance-like cut points of the test queue (score units of the classic formula)."""


def true_tier(value: float) -> int:
    return 1 + sum(1 for cut in KNOWN_CUTS if value >= cut)


def test_the_estimate_equals_a_fresh_venue_tier_whatever_the_score_alone_says() -> None:
    """Bybit reads its tier every refresh: that tier is the truth, and the estimate says it."""
    spec = AccountSpec(name="main", exchange="bybit")
    estimator = RankEstimator()
    for move, leverage in ((0.001, 2.0), (0.05, 10.0), (0.2, 50.0), (-0.03, 5.0)):
        position = linear("BTC/USDT:USDT", move, leverage)
        for venue_tier in (1, 2, 3, 4, 5):
            reading = AccountReading(
                fetched_at=NOW,
                positions=(position,),
                adl={BTC_LONGS: AdlIndicator(venue_tier, venue_tier, NOW)},
                figures=FIGURES,
            )
            (risk,) = assess(reading, spec, estimator, now=NOW, stale_after=90.0)
            assert risk.estimate is not None
            assert risk.estimate.tier == venue_tier, (move, leverage, risk.estimate)
            assert (risk.estimate.low, risk.estimate.high) == (venue_tier, venue_tier)
            assert f"Bybit's own tier {venue_tier}, reported 0 s ago" in risk.estimate.basis


def calibrated_binance() -> RankEstimator:
    """A Binance queue calibrated on readings of other moments, cut points `KNOWN_CUTS`."""
    estimator = RankEstimator()
    rng = random.Random(5)
    for _ in range(200):
        value = rng.uniform(0.0, 0.5)
        estimator.observe(
            "binanceusdm", Score(value, "binance", True), true_tier(value), queue=BTC_LONGS
        )
    return estimator


def test_between_binance_updates_the_estimate_follows_the_score_from_the_last_tier() -> None:
    """Binance's tier is 30 s old by design. The venue put the position in tier 3 while its
    score was 0.29; the score then rose to more than twice the next cut point (0.3): the
    estimate says 4 where the last tier still says 3. It stays on 3 while the score is past
    the cut by less than half of itself (`FOLLOW_MARGIN`)."""
    estimator = calibrated_binance()
    source = ("main", *BTC_LONGS)
    estimator.observe(
        "binanceusdm", Score(0.29, "binance", True), 3, source=source, at=NOW, queue=BTC_LONGS
    )
    later = NOW + timedelta(seconds=20)
    risen = estimator.estimate(
        "binanceusdm", Score(0.65, "binance", True), queue=BTC_LONGS, source=source, at=later
    )
    assert (risen.tier, risen.low, risen.high) == (4, 3, 4)
    assert "Binance's own tier 3, reported 20 s ago" in risen.basis
    assert "crossed 1 cut point up" in risen.basis
    for grazing in (0.31, 0.45):
        still = estimator.estimate(
            "binanceusdm", Score(grazing, "binance", True), queue=BTC_LONGS, source=source, at=later
        )
        assert still.tier == 3, (grazing, still)


def test_a_score_that_rose_with_its_market_past_a_cut_by_less_than_half_keeps_the_tier() -> None:
    """The calm scenario's SOL short (benchmarks/estimate_accuracy.py, seed 8): Binance put it
    in tier 4 at 0.0012, just under the tier-5 cut (0.0013); 15 s later, with the market, its
    score was 0.0020. The whole queue had risen with it: the true start of its tier went
    0.0008 -> 0.0022 and the position was in tier 3. Taken as past the cut, the estimate said
    5, two tiers off; a cut is crossed once the score is past it by half of itself, so it stays
    on the venue's 4."""
    cuts = (0.0001, 0.0004, 0.0008, 0.0013)
    estimator = RankEstimator()
    rng = random.Random(8)
    for _ in range(200):
        value = rng.uniform(0.0, 0.003)
        tier = 1 + sum(1 for cut in cuts if value >= cut)
        estimator.observe("binanceusdm", Score(value, "binance", True), tier, queue=BTC_LONGS)
    source = ("main", *BTC_LONGS)
    estimator.observe(
        "binanceusdm", Score(0.0012, "binance", True), 4, source=source, at=NOW, queue=BTC_LONGS
    )
    assert estimator.tier_for("binanceusdm", Score(0.0020, "binance", True), queue=BTC_LONGS) == 5

    later = NOW + timedelta(seconds=15)
    risen = estimator.estimate(
        "binanceusdm", Score(0.0020, "binance", True), queue=BTC_LONGS, source=source, at=later
    )

    assert (risen.tier, risen.low, risen.high) == (4, 4, 4), risen
    assert "the score has crossed no cut point since" in risen.basis, risen


def test_the_anchor_corrects_cut_points_that_are_off_where_the_position_is() -> None:
    """The venue knows better than our cut points: it put 0.35 in tier 3 (our cuts say 4).
    A small rise that crosses no cut point keeps the venue's 3, not the cuts' 4."""
    estimator = calibrated_binance()
    source = ("main", *BTC_LONGS)
    estimator.observe(
        "binanceusdm", Score(0.35, "binance", True), 3, source=source, at=NOW, queue=BTC_LONGS
    )
    later = NOW + timedelta(seconds=10)
    estimate = estimator.estimate(
        "binanceusdm", Score(0.36, "binance", True), queue=BTC_LONGS, source=source, at=later
    )
    assert estimate.tier == 3


def test_a_venue_report_read_again_keeps_the_score_it_was_first_read_with() -> None:
    """Binance's reading is re-served unchanged between its updates: the anchor is the score
    the venue ranked, not the score of the latest refresh."""
    estimator = calibrated_binance()
    source = ("main", *BTC_LONGS)
    for value in (0.29, 0.4, 0.45):  # three refreshes, one venue report (same time, same tier)
        estimator.observe(
            "binanceusdm", Score(value, "binance", True), 3, source=source, at=NOW, queue=BTC_LONGS
        )
    estimate = estimator.estimate(  # from 0.29: past the 0.3 cut by half; from 0.45: none
        "binanceusdm",
        Score(0.65, "binance", True),
        queue=BTC_LONGS,
        source=source,
        at=NOW + timedelta(seconds=15),
    )
    assert estimate.tier == 4


def test_an_old_anchor_is_dropped() -> None:
    estimator = calibrated_binance()
    source = ("main", *BTC_LONGS)
    estimator.observe(
        "binanceusdm", Score(0.35, "binance", True), 3, source=source, at=NOW, queue=BTC_LONGS
    )
    estimate = estimator.estimate(
        "binanceusdm",
        Score(0.35, "binance", True),
        queue=BTC_LONGS,
        source=source,
        at=NOW + timedelta(minutes=10),
    )
    assert estimate.tier == 4
    assert "own tier" not in estimate.basis


def binance_long(move: float) -> tuple[Position, dict[str, AccountFigures]]:
    """A cross BTC long alone in its account (wallet 6,000 USDT) after `move`."""
    position = replace(linear("BTC/USDT:USDT", move, 20.0), exchange="binanceusdm")
    upnl = position.unrealized_pnl
    return position, {"USDT": AccountFigures("USDT", 6_000.0, 6_000.0 + upnl, 500.0)}


def test_assess_follows_a_binance_position_between_the_venue_updates() -> None:
    """Through the pipeline: Binance's tier (2, where our cut points would say 3) is re-served
    unchanged between its updates (same `updated_at`); the estimate starts from it and moves
    by the cut points the score clearly crossed since, while the exchange tier beside it
    still shows the old value."""
    spec = AccountSpec(name="main", exchange="binanceusdm")
    estimator = RankEstimator()
    position, figures = binance_long(0.01)
    unit = score_position("binanceusdm", position, figures["USDT"]).value / 0.25
    rng = random.Random(6)
    for _ in range(200):  # the queue's calibration, from earlier readings: tier 3 at 0.25 units
        value = rng.uniform(0.0, 0.5)
        reading_score = Score(value * unit, "binance", True)
        estimator.observe("binanceusdm", reading_score, true_tier(value), queue=BTC_LONGS)
    reported = AdlIndicator({"LONG": 1}, 2, NOW)  # read at NOW, served again until NOW + 30 s
    tiers = []
    for second, move in ((0, 0.01), (10, 0.0104), (20, 0.03)):
        position, figures = binance_long(move)
        at = NOW + timedelta(seconds=second)
        reading = AccountReading(
            fetched_at=at, positions=(position,), adl={BTC_LONGS: reported}, figures=figures
        )
        (risk,) = assess(reading, spec, estimator, now=at, stale_after=90.0)
        assert risk.estimate is not None and risk.exchange_adl is reported
        tiers.append(risk.estimate.tier)
    # The cut points alone would say 3, 3, 5; the last tier repeated 2, 2, 2.
    assert tiers[:2] == [2, 2] and tiers[2] > 2, tiers
    assert risk.estimate is not None
    assert "Binance's own tier 2, reported 20 s ago" in risk.estimate.basis
    assert "cut point" in risk.estimate.basis and "up" in risk.estimate.basis


SOURCE = ("main", *BTC_LONGS)
PROFIT = Score(0.35, "binance", True)
LOSS = Score(0.0, "binance", False)


def report_after(
    estimator: RankEstimator,
    exchange: str,
    before: list[Score],
    now: Score,
    tier: int,
    gap: timedelta = timedelta(seconds=5),
) -> Estimate:
    """The position estimated every 5 s with each of `before` in turn; then, `gap` after the
    last, the venue's `tier` read with the score `now`: the estimate at that moment."""
    at = NOW
    for i, score in enumerate(before):
        at = NOW + timedelta(seconds=5 * i)
        estimator.estimate(exchange, score, queue=BTC_LONGS, source=SOURCE, at=at)
    read = at + gap
    estimator.observe(exchange, now, tier, source=SOURCE, at=read, queue=BTC_LONGS)
    return estimator.estimate(exchange, now, queue=BTC_LONGS, source=SOURCE, at=read)


def test_a_binance_tier_computed_on_a_profit_since_gone_does_not_hold_a_losing_account_up() -> None:
    """Binance recomputes its tier every 30 s. The account was in profit (score 0.35, tier 4)
    and fell to a loss (score 0, the back of the queue) just before the tier computed on its
    profit was read. The estimate says 1 — not the 4 that lasts until Binance's next update."""
    now = report_after(calibrated_binance(), "binanceusdm", [PROFIT] * 4, LOSS, 4)

    assert (now.tier, now.low, now.high) == (1, 1, 1), now
    assert "Binance scores every losing account 0, tied at the back of the queue" in now.basis


def test_a_losing_binance_account_is_at_the_back_even_on_a_tier_read_before_any_score() -> None:
    """The app starts just after the account fell to a loss; Binance's first tier, 4, was
    computed on the profit it had before (the app never saw that score). Every losing account
    scores 0 and they tie at the back of the queue: the estimate says 1, not the 4 the
    report would anchor, and the report is not a reading of where 0 ranks."""
    estimator = calibrated_binance()
    readings = estimator.readings("binanceusdm", queue=BTC_LONGS)

    now = report_after(estimator, "binanceusdm", [], LOSS, 4)

    assert (now.tier, now.low, now.high) == (1, 1, 1), now
    assert estimator.readings("binanceusdm", queue=BTC_LONGS) == readings
    assert estimator.tier_for("binanceusdm", LOSS, queue=BTC_LONGS) == 1


def test_a_losing_bybit_position_keeps_the_tier_bybit_gives_it() -> None:
    """Only a formula that scores every loser alike ties them at the back: Bybit's losing
    position (the classic formula ranks losses by their size) keeps the tier Bybit reads."""
    loss = Score(-0.01, "classic", False)

    now = report_after(RankEstimator(), "bybit", [], loss, 3)

    assert now.tier == 3 and "Bybit's own tier 3, reported 0 s ago" in now.basis, now


def test_a_binance_tier_computed_on_a_loss_since_gone_does_not_hold_a_winner_back() -> None:
    """The reverse: tier 1 computed while the account was losing, read once it is back in
    profit at a tier-3 score. The estimate says 3."""
    profit = Score(0.29, "binance", True)

    now = report_after(calibrated_binance(), "binanceusdm", [LOSS] * 4, profit, 1)

    assert now.tier == 3 and "crossed 2 cut points up" in now.basis, now


def test_a_tier_older_than_binances_lag_ranks_the_score_read_with_it() -> None:
    """A score from before the lag (here 60 s before the report) is not one Binance ranked:
    the report anchors the score read with it, as before."""
    gap = timedelta(seconds=60)
    small = Score(0.05, "binance", True)

    now = report_after(calibrated_binance(), "binanceusdm", [PROFIT], small, 4, gap)

    assert now.tier == 4 and "crossed no cut point" in now.basis, now


def test_a_venue_that_ranks_as_read_keeps_its_tier_whatever_the_score_was_before() -> None:
    """Bybit's tier is computed as it is read: with the same history of scores, the estimate
    is the venue's tier, never one placed on an earlier score."""
    profit, loss = Score(0.35, "classic", True), Score(-0.01, "classic", False)

    now = report_after(RankEstimator(), "bybit", [profit] * 4, loss, 4)

    assert now.tier == 4 and "Bybit's own tier 4, reported 0 s ago" in now.basis, now


def test_a_lagging_binance_tier_calibrates_the_score_it_ranked() -> None:
    """The tier 1 Binance computed on the account's loss, read once the account is back in
    profit at 0.29, calibrates (0, 1) — not (0.29, 1), which would pull the cut points of
    tiers 2 and 3 above 0.29."""
    estimator = calibrated_binance()

    report_after(estimator, "binanceusdm", [LOSS] * 4, Score(0.29, "binance", True), 1)

    queue_readings = estimator.to_dict()["queues"][-1][3]  # type: ignore[index]
    assert queue_readings[-1] == [0.0, 1]


def test_a_binance_tier_above_the_back_is_never_placed_on_a_loss_the_account_had_before() -> None:
    """Binance's tier 2, read once the account is back in profit at 0.45 (tier 5 under the
    cut points), was computed within the last 30 s, while the account may still have been
    losing. It cannot be the loss's tier: every losing account is tier 1 at Binance. So the
    report ranks the profit read with it, and the estimate says the venue's 2 — not a 5
    followed up from a loss anchored at tier 2, beside a venue tier read that instant."""
    estimator = calibrated_binance()
    risen = Score(0.45, "binance", True)

    now = report_after(estimator, "binanceusdm", [LOSS] * 4, risen, 2)

    assert (now.tier, now.low, now.high) == (2, 2, 2), now
    assert "Binance's own tier 2, reported 0 s ago" in now.basis, now
    queue_readings = estimator.to_dict()["queues"][-1][3]  # type: ignore[index]
    assert queue_readings[-1] == [0.45, 2]


def test_a_binance_account_just_out_of_a_loss_goes_as_far_as_the_cut_points_say() -> None:
    """The tier Binance gave a loss (1, tied at the back) places no profit: an account just
    back in profit is estimated where the cut points put its profit, however many it crossed,
    even before the queue is calibrated (one tier at a time is for a tier given a profit)."""
    estimator = RankEstimator()
    estimator.observe("binanceusdm", LOSS, 1, source=SOURCE, at=NOW, queue=BTC_LONGS)
    risen = Score(0.04, "binance", True)

    later = NOW + timedelta(seconds=20)
    now = estimator.estimate("binanceusdm", risen, queue=BTC_LONGS, source=SOURCE, at=later)

    alone = estimator.tier_for("binanceusdm", risen, queue=BTC_LONGS)
    assert alone >= 3 and now.tier == alone, now
    assert "not yet calibrated" in now.basis and "taken as" not in now.basis, now


def test_on_cut_points_not_yet_calibrated_binance_is_followed_one_tier_at_a_time() -> None:
    """The reference book's cut points can be off in scale thirtyfold for a queue of more
    leveraged traders. Binance put the account in tier 1 at a small profit; in a squeeze its
    score rises 40-fold within Binance's 30 s, with the whole queue. Before the queue is
    calibrated the estimate moves one tier from the venue's, and says how far the cut points
    alone would take it; once calibrated it follows every cut point crossed."""
    estimator = RankEstimator()
    small, risen = Score(0.001, "binance", True), Score(0.04, "binance", True)
    estimator.observe("binanceusdm", small, 1, source=SOURCE, at=NOW, queue=BTC_LONGS)
    later = NOW + timedelta(seconds=20)

    now = estimator.estimate("binanceusdm", risen, queue=BTC_LONGS, source=SOURCE, at=later)

    crossed = int(now.basis.split("crossed ")[1].split(" ")[0])
    assert crossed >= 2, now
    assert (now.tier, now.low, now.high) == (2, 1, 1 + crossed), now
    assert f"crossed {crossed} cut points up, taken as 1 tier" in now.basis, now
    assert "not yet calibrated" in now.basis, now

    calibrated = calibrated_binance()
    calibrated.observe(
        "binanceusdm", Score(0.05, "binance", True), 1, source=SOURCE, at=NOW, queue=BTC_LONGS
    )
    followed = calibrated.estimate(
        "binanceusdm", Score(0.65, "binance", True), queue=BTC_LONGS, source=SOURCE, at=later
    )
    assert followed.tier == 4 and "crossed 3 cut points up (calibrated" in followed.basis


def test_a_tier_the_lag_places_on_a_loss_lets_the_profit_since_go_as_far_as_the_cuts_say() -> None:
    """Binance's tier 1 is read while the account is at a profit of 0.02, which the cut points
    not yet calibrated put two or more tiers higher; the account was losing seconds before,
    within Binance's lag, and the report is taken to rank that loss. The tier then places no
    profit, so the profit since is not held one tier from it: held at 2, a position the
    cascade has put at tier 4 would be shown at the back of the queue."""
    estimator = RankEstimator()
    profit = Score(0.02, "binance", True)
    alone = estimator.tier_for("binanceusdm", profit, queue=BTC_LONGS)
    assert alone >= 3

    now = report_after(estimator, "binanceusdm", [LOSS] * 4, profit, 1)

    assert now.tier >= 3 and "taken as" not in now.basis, now


def read_every_refresh(
    estimator: RankEstimator, reads: list[tuple[float, Score, int]], exchange: str = "binanceusdm"
) -> Estimate:
    """The position read as the app reads it: at each (second, score, venue tier), the venue's
    tier observed, then the estimate made; the estimate of the last read."""
    estimate = None
    for second, score, tier in reads:
        read = NOW + timedelta(seconds=second)
        estimator.observe(exchange, score, tier, source=SOURCE, at=read, queue=BTC_LONGS)
        estimate = estimator.estimate(exchange, score, queue=BTC_LONGS, source=SOURCE, at=read)
    assert estimate is not None
    return estimate


def test_binances_tier_read_every_refresh_is_followed_from_the_recompute_not_each_read() -> None:
    """The app reads adlQuantile with every refresh (5 s), and Binance serves the same value
    until its next recompute, 30 s on. Tier 2 was computed at 0.15; by the fourth read after
    it the score is 0.42, more than twice the next cut point (0.2): the estimate says 3,
    followed from the score the tier was computed on — not 2, re-anchored on every read as if
    each were a tier just computed (from 0.35, 0.42 crossed no cut by half of itself)."""
    rising = [0.15, 0.2, 0.28, 0.35, 0.42]
    reads = [(5.0 * i, Score(value, "binance", True), 2) for i, value in enumerate(rising)]

    now = read_every_refresh(calibrated_binance(), reads)

    assert now.tier == 3, now
    assert "Binance's own tier 2, reported 20 s ago" in now.basis, now
    assert "crossed 1 cut point up" in now.basis, now


def test_once_a_tier_change_places_binances_timer_its_tier_ranks_the_score_read_with_it() -> None:
    """Wild seed 14's squeeze (benchmarks/estimate_accuracy.py): the account was losing until
    seconds ago, and Binance's next tier, 1, is read beside a profit of 0.29 that the cut points
    put at 3. Read once per 30 s, that tier may have been computed on the loss, and was taken
    to be. Read every refresh, the change from 2 to 3 seen between 10 s and 15 s placed
    Binance's timer: this tier was computed at 45 s, on the profit read then. The estimate is
    Binance's 1 (the cut points are off, not the venue), and the reading calibrates (0.29, 1)."""
    estimator = calibrated_binance()
    profit = Score(0.15, "binance", True)
    reads = [(0.0, profit, 2), (5.0, profit, 2), (10.0, profit, 2)]
    reads += [(15.0, Score(0.25, "binance", True), 3)]  # Binance recomputed in (10 s, 15 s]
    reads += [(float(second), LOSS, 3) for second in range(20, 45, 5)]
    reads += [(45.0, Score(0.29, "binance", True), 1)]  # 15 s + 30 s: its next recompute

    now = read_every_refresh(estimator, reads)

    assert (now.tier, now.low, now.high) == (1, 1, 1), now
    assert "Binance's own tier 1, reported 0 s ago; the score has crossed no" in now.basis, now
    queue_readings = estimator.to_dict()["queues"][-1][3]  # type: ignore[index]
    assert queue_readings[-1] == [0.29, 1]
