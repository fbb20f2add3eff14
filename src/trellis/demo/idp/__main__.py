"""Serve the local identity provider: migrate its database, load the directory, listen.

    python -m trellis.demo.idp DIRECTORY.json [--host 127.0.0.1] [--port 8001]

DIRECTORY.json: {"client_id", "client_secret", "redirect_uris": [...], "accounts": [{"email",
"password", "first_name", "last_name", "claims": {...}}]}. Usernames are the e-mail addresses.
"""

import argparse
import json
import os
import sys


def load_directory(directory: dict) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    from trellis.demo.idp.models import DirectoryEntry

    Application.objects.filter(client_id=directory["client_id"]).delete()
    Application.objects.create(
        name="Trellis", client_id=directory["client_id"], client_secret=directory["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(directory["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    for account in directory["accounts"]:
        user, _ = User.objects.get_or_create(username=account["email"].lower())
        user.email = account["email"]
        user.first_name = account.get("first_name", "")
        user.last_name = account.get("last_name", "")
        user.is_active = account.get("active", True)
        user.set_password(account["password"])
        user.save()
        DirectoryEntry.objects.update_or_create(user=user, defaults={"claims": account.get("claims", {})})


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m trellis.demo.idp")
    parser.add_argument("directory")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = "trellis.demo.idp.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0, interactive=False)
    with open(args.directory) as f:
        load_directory(json.load(f))
    print(f"Demo identity provider on http://{args.host}:{args.port}/o", file=sys.stderr, flush=True)
    run(args.host, args.port, get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
