"""A real OpenID Connect provider for tests: trellis.demo.idp in its own process and database."""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import requests

CLIENT_ID = "trellis-test-client"
CLIENT_SECRET = "trellis-test-secret-0123456789"
PASSWORD = "directory-pass-42"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_idp(tmp_path, accounts, redirect_uris):
    """Start the provider with `accounts` in its directory; yields its issuer URL."""
    port = free_port()
    directory = tmp_path / "directory.json"
    directory.write_text(json.dumps({
        "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
        "redirect_uris": redirect_uris,
        "accounts": [{"password": PASSWORD, **a} for a in accounts],
    }))
    env = {**os.environ, "IDP_DATA_DIR": str(tmp_path / "idp")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "trellis.demo.idp", str(directory), "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(issuer + "/.well-known/openid-configuration", timeout=10).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the identity provider did not start: " + proc.stderr.read().decode()[-2000:])
            time.sleep(0.2)
        yield issuer
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class _Inputs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.values = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name"):
            self.values[a["name"]] = a.get("value") or ""


def sign_in_at_idp(authorize_url: str, email: str, password: str = PASSWORD) -> str:
    """Be the browser at the provider: sign in, and return where it sends the browser back."""
    browser = requests.Session()
    response = browser.get(authorize_url, allow_redirects=False, timeout=10)
    while response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login/":
        login_url = urljoin(authorize_url, response.headers["Location"])
        page = browser.get(login_url, timeout=10)
        form = _Inputs()
        form.feed(page.text)
        response = browser.post(
            login_url, allow_redirects=False, timeout=10,
            data={**form.values, "username": email, "password": password},
        )
        assert response.status_code == 302, f"the provider refused {email}"
        response = browser.get(urljoin(login_url, response.headers["Location"]), allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]
