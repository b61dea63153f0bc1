"""The Rasa server's ways in and out: the web and messaging-app channels, the input guard
every message passes, and the reply renderer that shows a reply in each app's style."""
