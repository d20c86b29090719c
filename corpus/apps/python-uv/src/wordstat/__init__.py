"""Word statistics of a text, without the stop words."""
