"""Sessions for the security scanners (bench/security.sh).

    python -m bench.scan_sessions BASE_URL ADMIN_NAME < password

Opens the poll as a reader (session cookie and CSRF token, one vote and one
comment so that the forms are live), logs in as the admin, and prints shell
assignments: READER_COOKIE, READER_TOKEN, ADMIN_COOKIE.
"""

import shlex
import sys
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from .common import CSRF_FIELD
from .load_harness import SLUG


class Session:
    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as response:  # loopback only
            return response.read().decode()

    def post(self, path: str, fields: dict) -> int:
        data = urllib.parse.urlencode(fields).encode()
        with self.opener.open(self.base + path, data=data, timeout=10) as response:
            return response.status

    def token(self, path: str) -> str:
        return CSRF_FIELD.search(self.get(path)).group(1)

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.jar)


def main(base: str, admin_name: str) -> None:
    password = sys.stdin.readline().rstrip("\n")
    reader = Session(base)
    token = reader.token(f"/polls/{SLUG}")
    reader.post(f"/polls/{SLUG}/vote", {"csrf_token": token, "choice": "diplomacy"})
    reader.post(
        f"/polls/{SLUG}/comments",
        {"csrf_token": token, "body": "Talks are the only way forward.", "display_name": "Scanner"},
    )

    admin = Session(base)
    admin_token = admin.token("/admin/login")
    admin.post("/admin/login", {"csrf_token": admin_token, "username": admin_name, "password": password})
    if "Log out" not in admin.get("/admin/"):
        raise SystemExit("admin login failed")

    print(f"READER_COOKIE={shlex.quote(reader.cookie_header())}")
    print(f"READER_TOKEN={shlex.quote(token)}")
    print(f"ADMIN_COOKIE={shlex.quote(admin.cookie_header())}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
