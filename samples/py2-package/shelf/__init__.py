"""shelf: a small Python 2 catalogue of books, pages of results and a few statistics."""
