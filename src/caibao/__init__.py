"""caibao (財報): verified earnings briefs from filed numbers."""

__version__ = "0.1.0"
