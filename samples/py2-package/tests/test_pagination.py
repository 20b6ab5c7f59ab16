import unittest

from shelf.pagination import page, page_count, page_labels, pages


class PaginationTest(unittest.TestCase):
    def test_page_count_rounds_up(self):
        self.assertEqual(page_count(range(10), 3), 4)
        self.assertEqual(page_count(range(9), 3), 3)

    def test_pages_split_the_items(self):
        self.assertEqual(pages(range(7), 3), [[0, 1, 2], [3, 4, 5], [6]])

    def test_page_is_one_based(self):
        self.assertEqual(page(list("abcdefg"), 3, 3), ["g"])
        self.assertEqual(page(list("abc"), 2, 3), [])

    def test_page_labels(self):
        self.assertEqual(page_labels(range(5), 2), ["page 1", "page 2", "page 3"])


if __name__ == "__main__":
    unittest.main()
