"""Who is asking: principals (API key, user session, anonymous), scopes, session tokens.

The core's side of authentication. Dialects decide where a credential is read from (their
auth schemes); this package decides what a credential is worth.
"""
