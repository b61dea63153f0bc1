"""Write supervisord's configuration from its template, with the run's settings filled in.

supervisord can read ``%(ENV_X)s`` itself, but then ``supervisorctl`` needs the same
environment to read the file; a filled-in copy under var/ works from any shell.

Usage: python -m service.servers.supervisor_config \
           service/servers/supervisord.conf var/supervisord.conf
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Mapping


def render(template: str, env: Mapping[str, str]) -> str:
    """The template with every ``%(ENV_NAME)s`` replaced; a missing variable is an error."""
    return template % {f"ENV_{name}": value for name, value in env.items()}


if __name__ == "__main__":
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(source.read_text(encoding="utf-8"), os.environ), encoding="utf-8")
