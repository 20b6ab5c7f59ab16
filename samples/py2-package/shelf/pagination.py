"""Pages of a result list (Python 2: `/` between ints is floor division)."""


def page_count(items, size):
    total = len(items)
    per_page = int(size)
    return (total + per_page - 1) / per_page  # both operands are ints


def pages(items, size):
    total = len(items)
    count = (total + size - 1) / size  # a range bound below: floor division relied on
    return [items[i * size:(i + 1) * size] for i in range(count)]


def page(items, number, size):
    """The 1-based page `number`, or [] past the end."""
    start = (number - 1) * size
    return items[start:start + size]


def page_labels(items, size):
    labels = []
    for number in xrange(1, len(pages(items, size)) + 1):
        labels.append("page %d" % number)
    return labels
