"""Statistics over prices and words."""


def median(values):
    xs = sorted(values)
    mid = len(xs) / 2  # an index: floor division relied on
    if len(xs) % 2:
        return xs[mid]
    return (xs[mid - 1] + xs[mid]) / 2.0


def mean(values):
    # ambiguous: the values may be ints or floats, so this `/` is left for a person
    return sum(values) / len(values)


def word_counts(words):
    counts = {}
    for word in words:
        if counts.has_key(word):
            counts[word] += 1
        else:
            counts[word] = 1
    return counts


def most_common(words):
    counts = word_counts(words)
    best, best_count = None, 0
    for word, count in counts.iteritems():
        if count > best_count or (count == best_count and word < best):
            best, best_count = word, count
    return best


def drop_rare(counts, minimum):
    for word in counts.keys():
        if counts[word] < minimum:
            del counts[word]
    return counts


def first_prices(prices, n):
    doubled = map(lambda p: p * 2, prices)
    return doubled[:n]
