"""Item categories from MovieLens side files, joined onto the interaction rows."""
import copy

import pytest

from nextitem_trainer.core.config import ConfigError, config_from_dict
from nextitem_trainer.core.data import DataFormatError, load_log
from nextitem_trainer.core.data.categories import read_item_categories

MOVIES = "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n"
FLAGS_TOY = "0|0|0|1|1|1" + "|0" * 13
FLAGS_GOLDEN = "0|1|1" + "|0" * 13 + "|1|0|0"
U_ITEM = (f"1|Toy Story (1995)|01-Jan-1995||http://x|{FLAGS_TOY}\n"
          f"2|GoldenEye (1995)|01-Jan-1995||http://y|{FLAGS_GOLDEN}\n")


def test_movies_dat_category_is_the_genre_set(tmp_path):
    path = tmp_path / "movies.dat"
    path.write_bytes(MOVIES.encode("latin-1"))
    categories, sha = read_item_categories(path, "movielens-movies")
    assert categories == {"1": "Animation|Children's|Comedy", "2": "Adventure|Children's|Fantasy"}
    assert len(sha) == 64


def test_u_item_category_is_the_set_of_flagged_genre_indexes(tmp_path):
    path = tmp_path / "u.item"
    path.write_text(U_ITEM, encoding="latin-1")
    categories, _ = read_item_categories(path, "movielens-items")
    assert categories == {"1": "3|4|5", "2": "1|2|16"}


@pytest.mark.parametrize("fmt,line,expected", [
    ("movielens-movies", "1::Toy Story (1995)\n", "MovieID::Title::Genres"),
    ("movielens-items", "1|Toy Story|01-Jan-1995||http://x|0|1\n", "19 genre flags"),
    ("movielens-items", f"1|Toy|01-Jan-1995||http://x|{FLAGS_TOY.replace('1', '2', 1)}\n", "19 genre flags"),
])
def test_malformed_side_file_lines_name_file_and_line(tmp_path, fmt, line, expected):
    path = tmp_path / "side"
    path.write_text("\n" + line, encoding="latin-1")
    with pytest.raises(DataFormatError, match=rf"side:2: expected .*{expected}"):
        read_item_categories(path, fmt)


def test_ratings_get_their_items_category_and_unknown_items_none(tmp_path):
    movies = tmp_path / "movies.dat"
    movies.write_bytes(MOVIES.encode("latin-1"))
    ratings = tmp_path / "ratings.dat"
    ratings.write_text("1::1::5::100\n1::2::3::200\n1::3::4::300\n")
    log = load_log(ratings, "movielens", "r", min_interactions=0, item_categories=(movies, "movielens-movies"))
    assert log.category_ids == ["Animation|Children's|Comedy", "Adventure|Children's|Fantasy"]
    assert log.categories[0].tolist() == [1, 2, 0]  # movie 3 is not in the side file
    assert log.describe()["item_categories"]["rows_without_category"] == 1


def test_a_side_file_that_knows_no_item_is_refused(tmp_path):
    movies = tmp_path / "movies.dat"
    movies.write_bytes(MOVIES.encode("latin-1"))
    ratings = tmp_path / "ratings.dat"
    ratings.write_text("1::7::5::100\n1::8::3::200\n")
    with pytest.raises(DataFormatError, match="none of the 2 items"):
        load_log(ratings, "movielens", "r", min_interactions=0, item_categories=(movies, "movielens-movies"))


def test_config_needs_file_and_format_together():
    from conftest import TINY_CONFIG

    raw = copy.deepcopy(TINY_CONFIG)
    raw["data"]["item_categories"] = "movies.dat"
    with pytest.raises(ConfigError, match="give both or neither"):
        config_from_dict(raw)
    raw["data"]["item_categories_format"] = "imdb"
    with pytest.raises(ConfigError, match="item_categories_format"):
        config_from_dict(raw)
