"""Custom actions for the IEP mediation assistant.

The Rasa actions in ``actions.actions`` are thin: the knowledge base, the message
rendering and the follow-up logic live in plain modules next to them, so they can be
tested without a running server.
"""
