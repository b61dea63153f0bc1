"""The processes: the Rasa server and action server entry points, the Rasa server's answer
when the action server fails, and supervisord's configuration for ``make run``."""
