"""The claim checker: find every numeric claim in an article, resolve it, verify it against facts."""
