"""People of an org: accounts with passwords, roles, e-mail verification, two-factor
authentication, and the sign-in flows (sessions with rotating refresh tokens)."""
