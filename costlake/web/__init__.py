"""The server's pages for people: the front page and the API documentation (served offline).

The console will live here too; until it exists, ``/`` says what the server is and links
each dialect's API documents.
"""

from costlake.web.root import mount_web

__all__ = ["mount_web"]
