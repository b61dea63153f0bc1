"""Custom Rasa NLU components (referenced from config.yml by module path).

Importing this package has no side effect, so tools outside the Rasa server (the insights
report) can use ``minilm`` without loading Rasa.
"""
