"""The CRM side: the pipeline and customer views, duplicate detection, merge and forget."""
