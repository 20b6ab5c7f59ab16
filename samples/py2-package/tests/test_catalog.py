import os
import sys
import unittest
from StringIO import StringIO

from shelf.catalog import (DEFAULT_MODE, CatalogError, cheapest, describe, is_title, load,
                           parse_price, report, titles)

CATALOG = os.path.join(os.path.dirname(__file__), "..", "shelf", "data", "catalog.ini")


class CatalogTest(unittest.TestCase):
    def setUp(self):
        self.books = load(CATALOG)

    def test_load_reads_titles_and_prices(self):
        self.assertEqual(self.books[u"Emma"], 800)
        self.assertEqual(len(self.books), 4)

    def test_bad_price(self):
        try:
            parse_price("twelve")
        except CatalogError, e:
            self.assertTrue("twelve" in str(e))
        else:
            self.fail("no CatalogError")

    def test_titles_are_sorted(self):
        self.assertEqual(titles(self.books), ["Dune", "Emma", "Ulysses", "Walden"])

    def test_report(self):
        lines = report(self.books).splitlines()
        self.assertEqual(lines[0], "4 books, median price 1120.0")
        self.assertEqual(lines[1], "  Dune: 1250")

    def test_is_title(self):
        self.assertTrue(is_title(u"Emma"))
        self.assertFalse(is_title(3))

    def test_cheapest(self):
        self.assertEqual(cheapest(self.books), "Emma")

    def test_describe_prints(self):
        saved, sys.stdout = sys.stdout, StringIO()
        try:
            describe(self.books)
            printed = sys.stdout.getvalue()
        finally:
            sys.stdout = saved
        self.assertEqual(printed, "catalog of 4 books\n\n")

    def test_default_mode(self):
        self.assertEqual(DEFAULT_MODE, 420)


if __name__ == "__main__":
    unittest.main()
