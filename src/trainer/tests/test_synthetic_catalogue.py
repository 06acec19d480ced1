"""The synthetic catalogue at scale: seeded bytes, the event count, distinct clicks per user,
Zipf popularity and the category cycles a sequence model can learn; the csv the loader reads."""
import numpy as np

from nextitem_trainer.__main__ import main
from nextitem_trainer.core.data import load_log
from nextitem_trainer.tools.synthetic_catalogue import generate_catalogue, make_catalogue, write_catalogue


def test_same_seed_same_bytes_other_seed_other_log(tmp_path):
    a = tmp_path / "a.csv.gz"
    write_catalogue(a, items=400, events_per_item=20, seed=3)
    write_catalogue(tmp_path / "b.csv.gz", items=400, events_per_item=20, seed=3)
    write_catalogue(tmp_path / "c.csv.gz", items=400, events_per_item=20, seed=4)
    assert a.read_bytes() == (tmp_path / "b.csv.gz").read_bytes()
    assert a.read_bytes() != (tmp_path / "c.csv.gz").read_bytes()


def test_the_log_has_the_events_asked_for_distinct_clicks_and_ordered_times():
    log = generate_catalogue(1000, 20, seed=1)
    assert 20_000 <= len(log.item) < 20_000 + 100  # whole users: the last one may pass the count
    key = log.user.astype(np.int64) * 1000 + log.item
    assert len(np.unique(key)) == len(key)  # no user clicks an item twice
    same_user = log.user[1:] == log.user[:-1]
    assert (np.diff(log.time_ms)[same_user] > 0).all()
    assert (np.diff(log.session)[same_user] >= 0).all()
    assert np.bincount(log.item, minlength=1000).min() >= 0 and len(np.unique(log.item)) > 950


def test_popularity_is_skewed_and_clicks_follow_the_category_cycles():
    rng = np.random.default_rng(7)
    catalogue = make_catalogue(2000, rng)
    members = np.bincount(catalogue.category)
    assert members.min() >= 49 and members.max() <= 51  # categories of about 50 items
    assert (catalogue.category[catalogue.successors] == catalogue.category[:, None]).all()
    log = generate_catalogue(2000, 20, seed=7)
    counts = np.sort(np.bincount(log.item, minlength=2000))[::-1]
    assert counts[:20].sum() > 5 * counts[990:1010].sum()  # a head well above the middle
    same_user = log.user[1:] == log.user[:-1]
    step = np.flatnonzero(same_user)
    followed = catalogue_successor_share(log.item[step], log.item[step + 1], make_catalogue(2000, np.random.default_rng(7)))
    assert followed > 0.4  # 0.75 follow x 0.6 successor, less the dropped repeats


def catalogue_successor_share(current: np.ndarray, following: np.ndarray, catalogue) -> float:
    return float((catalogue.successors[current, 0] == following).mean())


def test_the_command_writes_a_csv_the_loader_reads(tmp_path):
    out = tmp_path / "cat.csv"
    assert main(["synthetic", "--items", "300", "--events-per-item", "20", "--seed", "2", "--out", str(out)]) == 0
    log = load_log(out, "csv", "cat", min_interactions=0)
    assert log.num_interactions >= 6000 and log.num_items > 280 and len(log.category_ids) == 6
    assert main(["synthetic", "--items", "300", "--users", "3", "--seed", "2", "--out", str(out)]) == 2
