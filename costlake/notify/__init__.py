"""Notification channels: a Channel protocol and its registry; email over SMTP first."""
