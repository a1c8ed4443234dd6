"""Test settings: the project's settings with tasks run inline and a fast password hasher.

``DATABASE_URL`` chooses the database exactly as in production (SQLite by default,
PostgreSQL in CI's second run)."""

import os
import tempfile

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdefghij")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("EMAIL_URL", "")
# Rate limits count in a cache that lives as long as the test process: generous here, and set
# low by the tests of the limits themselves.
os.environ.setdefault("API_THROTTLE_ANON", "100000/min")
os.environ.setdefault("API_THROTTLE_USER", "100000/min")
os.environ.setdefault("RATELIMIT_SIGN_IN_LINK_PER_EMAIL", "1000/h")
os.environ.setdefault("RATELIMIT_SIGN_IN_LINK_PER_IP", "100000/h")
os.environ.setdefault("RATELIMIT_LINK_POSTS_PER_IP", "100000/m")

from coordination.settings import *  # noqa: F403
from coordination.settings import BASE_DIR, DATABASES, Q_CLUSTER, STORAGES

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",  # fast, for users made in tests
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # the demo fixture's hashes
]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# django-q2 runs tasks inline unless a test starts a real qcluster.
Q_CLUSTER = {**Q_CLUSTER, "sync": True}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="coordinator-media-")
SENDFILE_ROOT = MEDIA_ROOT
STATIC_ROOT = tempfile.mkdtemp(prefix="coordinator-static-")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("TEST", {})
    DATABASES["default"]["TEST"]["NAME"] = os.environ.get(
        "TEST_DATABASE_NAME", "test_" + DATABASES["default"]["NAME"]
    )
TEST_BASE_DIR = BASE_DIR
