"""HTTP concerns the Rasa server, the action server and the site server share: CORS and
the hardening headers."""
