"""The directory's extra claims per person (an SIS number, a tenant id, a domain)."""

from django.conf import settings
from django.db import models


class DirectoryEntry(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry")
    claims = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.user.username
