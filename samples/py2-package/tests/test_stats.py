import unittest

from shelf.stats import drop_rare, first_prices, mean, median, most_common, word_counts


class StatsTest(unittest.TestCase):
    def test_median_of_an_odd_count_is_the_middle(self):
        self.assertEqual(median([5, 1, 3]), 3)

    def test_median_of_an_even_count_is_the_mean_of_the_middle_two(self):
        self.assertEqual(median([4, 1, 3, 2]), 2.5)

    def test_mean_of_floats(self):
        self.assertEqual(mean([1.5, 2.5, 3.5]), 2.5)

    def test_word_counts(self):
        self.assertEqual(word_counts("a b a".split()), {"a": 2, "b": 1})

    def test_most_common(self):
        self.assertEqual(most_common("b a b a c".split()), "a")

    def test_drop_rare(self):
        self.assertEqual(drop_rare({"a": 3, "b": 1, "c": 2}, 2), {"a": 3, "c": 2})

    def test_first_prices(self):
        self.assertEqual(first_prices([1, 2, 3], 2), [2, 4])


if __name__ == "__main__":
    unittest.main()
