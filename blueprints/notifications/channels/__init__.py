"""Delivery channels behind one interface. The inbox is the record and is written when
an alert is claimed (channels/inbox.py); the channels listed here are the doorbells the
escalation pass rings afterwards. SMS or a voice call would be one more module here.

A channel splits its work so that no database lock is held while the network is slow:
targets() reads the database, send() only talks to the far side, settle() records.
"""
