"""Staff credentials: PBKDF2-SHA256 password hashes from settings, checked in constant time.

``RATSINFO_STAFF_USERS="alice:pbkdf2_sha256$600000$<salt>$<hash>;bob:..."``. There is no default account:
when the setting is empty, password sign-in is disabled. Make a hash with::

    python -m assistant.auth hash-password            # asks twice, prints the hash
    printf 'secret' | python -m assistant.auth hash-password --stdin
"""

from __future__ import annotations

import base64
import getpass
import hashlib
import hmac
import secrets
import sys
from collections.abc import Mapping

from assistant.errors import ConfigurationError

SCHEME = "pbkdf2_sha256"
DEFAULT_ITERATIONS = 600_000
MIN_ITERATIONS = 100_000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, iterations: int = DEFAULT_ITERATIONS, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` (salt and hash url-safe base64 without padding)."""
    if not password:
        raise ValueError("empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{SCHEME}${iterations}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, encoded: str) -> bool:
    """True when ``password`` matches ``encoded``; malformed hashes never match."""
    try:
        scheme, iterations_text, salt_text, digest_text = encoded.split("$")
        iterations = int(iterations_text)
        salt, expected = _unb64(salt_text), _unb64(digest_text)
    except ValueError:
        return False
    if scheme != SCHEME or iterations < MIN_ITERATIONS or not expected:
        return False
    actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return hmac.compare_digest(actual, expected)


def parse_staff_users(spec: str) -> dict[str, str]:
    """``"alice:<hash>;bob:<hash>"`` → {name: hash}. Raises ConfigurationError on a malformed entry."""
    users: dict[str, str] = {}
    for entry in spec.split(";"):
        entry = entry.strip()
        if not entry:
            continue
        name, sep, encoded = entry.partition(":")
        name, encoded = name.strip(), encoded.strip()
        if not sep or not name or not encoded.startswith(SCHEME + "$"):
            raise ConfigurationError(
                f"RATSINFO_STAFF_USERS: entry for {name or '?'!r} is not 'name:{SCHEME}$...'"
            )
        users[name] = encoded
    return users


def _dummy_hash(iterations: int) -> str:
    """A well-formed hash that matches no password: an unknown name costs one PBKDF2 run of ``iterations``."""
    return f"{SCHEME}${iterations}${_b64(bytes(16))}${_b64(bytes(32))}"


def _iterations(encoded: str) -> int:
    try:
        return max(MIN_ITERATIONS, int(encoded.split("$")[1]))
    except (IndexError, ValueError):
        return DEFAULT_ITERATIONS


class StaffDirectory:
    """The staff accounts of one deployment.

    A wrong name costs as long as a wrong password: it is checked against a dummy hash with the same
    algorithm and iteration count as the real hashes (the largest configured count), so the time of a failed
    sign-in does not tell whether the name exists.
    """

    def __init__(self, users: Mapping[str, str]) -> None:
        self._users = dict(users)
        iterations = max((_iterations(h) for h in self._users.values()), default=DEFAULT_ITERATIONS)
        self._dummy = _dummy_hash(iterations)

    @classmethod
    def from_spec(cls, spec: str) -> StaffDirectory:
        return cls(parse_staff_users(spec))

    @property
    def enabled(self) -> bool:
        return bool(self._users)

    def check(self, username: str, password: str) -> bool:
        """True when ``username`` exists and ``password`` matches its hash."""
        encoded = self._users.get(username.strip())
        if encoded is None or not password:
            verify_password(password or "x", self._dummy)
            return False
        return verify_password(password, encoded)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "hash-password":
        print("usage: python -m assistant.auth hash-password [--stdin]", file=sys.stderr)
        return 2
    if "--stdin" in args[1:]:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat: ") != password:
            print("error: passwords differ", file=sys.stderr)
            return 1
    if not password:
        print("error: empty password", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
