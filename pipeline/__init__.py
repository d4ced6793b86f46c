"""The site generator: load → validate → tables → charts → render → write."""
