"""Anonymous voters: the cookie, the keyed pseudonyms stored instead of it, and retention."""
