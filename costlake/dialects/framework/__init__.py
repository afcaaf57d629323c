"""The dialect framework: what each vendor API declares, and what the platform enforces.

- :mod:`.dialect`: the :class:`Dialect` declarations and :class:`DialectBase`.
- :mod:`.schemes`: where credentials are read (API keys in several places, session tokens).
- :mod:`.routing`: ``needs(dialect, scope, rate_class=)``, the one dependency of a handler;
  the route class that renders every failure in the dialect's body.
- :mod:`.errors`: core error -> kind of failure -> status, once for all dialects.
- :mod:`.envelopes`, :mod:`.pagination`, :mod:`.ratelimit`: the vendors' response shapes,
  page styles and rate-limit classes and headers.
- :mod:`.ownership`: which dialect owns a path (longest prefix, ambiguity refused).
- :mod:`.openapi`: each dialect's OpenAPI document with its security schemes.
- :mod:`.mount`: puts every registered dialect on one FastAPI app.
"""
