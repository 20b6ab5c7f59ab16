"""A catalogue of books read from an ini file."""
import ConfigParser
import StringIO

from shelf.stats import median

DEFAULT_MODE = 0644


class CatalogError(Exception):
    pass


def parse_price(text):
    try:
        return long(text.strip())
    except ValueError, e:
        raise CatalogError, "bad price %r (%s)" % (text, e)


def load(path):
    """{title: price in cents} from the [books] section of an ini file."""
    parser = ConfigParser.SafeConfigParser()
    parser.optionxform = str
    parser.read([path])
    books = {}
    for title, price in parser.items("books"):
        books[unicode(title)] = parse_price(price)
    return books


def titles(books):
    names = books.keys()
    names.sort()
    return names


def report(books):
    out = StringIO.StringIO()
    print >>out, "%d books," % len(books),
    print >>out, "median price", median(books.values())
    for title in titles(books):
        if books[title] <> 0:
            print >>out, "  %s: %d" % (title, books[title])
    return out.getvalue()


def is_title(value):
    return isinstance(value, basestring) and len(value) > 0


def cheapest(books):
    it = iter(sorted(books.items(), key=lambda item: item[1]))
    return it.next()[0]


def describe(books):
    print "catalog of", len(books), "books"
    print
