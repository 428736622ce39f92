"""Analysis over facts: growth, margins, shares, run-rates, records, and consistency identities."""
