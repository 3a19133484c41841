"""sample_docs package."""
