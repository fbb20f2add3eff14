"""The integration API: REST over the same row rules and capability table as the pages."""
