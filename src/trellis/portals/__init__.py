"""The top UI layer: the role-aware home and the student, partner, mentor and guardian pages."""
