"""What the assistant keeps and for how long: contact details redacted from stored events
and logs, and conversations deleted after the retention period."""
