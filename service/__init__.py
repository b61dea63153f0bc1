"""How the assistant runs as a service, one sub-package per concern: ``servers`` (the
entry points and their supervisor), ``stores`` (conversations and locks), ``privacy``
(redaction and retention) and ``http`` (the headers every server sends)."""
