"""The mentor pages under /mentor/: interns, sessions, evaluations, raising a concern."""
