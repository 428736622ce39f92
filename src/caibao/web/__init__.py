"""The web front end: the checker, the brief and the facts in a browser, and a JSON API."""
