"""Budgets: a spend limit per period over a saved view, evaluated against actual spend and a
month-end forecast; one notification per threshold and period."""
