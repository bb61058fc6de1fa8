def spread(x, y):
    d = x - y
    r = x / d
    return r * d + y


# trace(spread, (np.float64(2.0), np.float64(2.0))) finds the inf on line 3, the
# `divide by zero` warning on line 3, and the NaN that follows on line 4.
