"""Offline support: the versioned JSON outbox API that queued phone submissions are
replayed to, the list of pages a phone keeps for offline use, the in-app scanner."""
