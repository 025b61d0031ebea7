"""The shipped data sets load offline, with the documented shapes and ranges."""
import numpy as np

from checker.data import load_digits, load_seattle_temperatures, one_hot, train_test_split


def test_digits_are_1797_images_of_8x8_scaled_to_unit_range():
    X, y = load_digits()
    assert X.shape == (1797, 64) and y.shape == (1797,)
    assert X.min() == 0.0 and X.max() == 1.0
    assert set(np.unique(y)) == set(range(10))
    assert np.all(np.bincount(y) >= 170)


def test_seattle_has_1461_days_from_2012_through_2015():
    dates, temp_max = load_seattle_temperatures()
    assert len(dates) == len(temp_max) == 1461
    assert str(dates[0]) == "2012-01-01" and str(dates[-1]) == "2015-12-31"
    assert np.all(np.diff(dates) == np.timedelta64(1, "D"))
    assert np.all(np.isfinite(temp_max)) and -10 < temp_max.min() < temp_max.max() < 40


def test_one_hot_and_split():
    t = one_hot(np.array([2, 0]), 3)
    assert np.array_equal(t, [[0, 0, 1], [1, 0, 0]])
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.3, seed=0)
    assert len(X_test) == 3 and len(X_train) == 7
    assert sorted(np.concatenate([y_train, y_test])) == list(range(10))
    assert np.array_equal(X_test[:, 0] // 2, y_test)
