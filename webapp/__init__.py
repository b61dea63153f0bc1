"""The advocacy site around the assistant: the FAQ page and JSON built from the knowledge
base, a small static web server for the demo pages, the widget and the FAQ, and the
organisation's insights page."""
