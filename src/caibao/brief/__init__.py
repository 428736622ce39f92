"""The earnings brief: tables and highlights computed from facts, rendered in zh-Hant, zh-Hans, en."""
