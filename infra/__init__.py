"""Adapters to the outside world: settings, storage, database, queues, local stack."""
