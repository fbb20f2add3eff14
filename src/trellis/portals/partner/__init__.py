"""The partner portal under /partner/: profile, worksites, mentors, opportunities, applicants."""
