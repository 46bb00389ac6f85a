"""The knowledge base: ingestion of directives, Vietnamese search, answers with citations."""
