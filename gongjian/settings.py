"""Settings for Gongjian. Everything a deployment changes comes from the environment."""

import datetime
import hashlib
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from gongjian import keys

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("GONGJIAN_DATA_DIR", BASE_DIR / "var"))
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)

DEBUG = os.environ.get("DEBUG", "0") == "1"
# A local demo or development machine (`make run`, `make test`, the benchmark): keys generated in the data dir,
# plain HTTP. Anything else is a production start and must be given its secrets (gongjian/keys.py).
LOCAL = keys.is_local()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

_secrets = keys.load(DATA_DIR, LOCAL)
SECRET_KEY = _secrets["SECRET_KEY"]
# Secrets of the keys that encrypt personal data at rest (AES-256-GCM; comma separated: the first encrypts, all decrypt).
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secrets["FIELD_ENCRYPTION_KEYS"].split(",") if k.strip()]
# Key of the blind index (HMAC) used to find a person by ID number without storing it in clear.
BLIND_INDEX_KEY = _secrets["BLIND_INDEX_KEY"]
LOCAL_KEYS_FILE = _secrets.get("_local_file", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_q",
    "auditlog",
    "core",
    "accounts",
    "orgs",
    "people",
    "imports",
    "activities",
    "pairings",
    "alliances",
    "news",
    "honours",
    "coverage",
    "dashboards",
    "workbench",
    "transfers",
    "dues",
    "development",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "accounts.security.SignInStateMiddleware",
    "core.middleware.DatabaseBusyMiddleware",
    "core.replica.ReadYourWritesMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongjian.urls"

TEMPLATES = [
    {
        # Our pages: Jinja2 renders a 50-row table in ~0.35 ms against ~2-3 ms for Django's engine
        # (docs/decisions/0003-templates-jinja2.md).
        "BACKEND": "gongjian.jinja2_backend.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "gongjian.jinja2.environment", "autoescape": True},
    },
    {
        # Django admin and form widgets.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

WSGI_APPLICATION = "gongjian.wsgi.application"

DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'gongjian.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + IMMEDIATE: a read-then-write transaction waits for the lock instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-64000;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if os.environ.get("GONGJIAN_SQLITE_NO_PERSIST") else 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Prepared statements: planning a scoped list query costs more than running it (~0.5-1.5 ms against
    # ~0.1 ms measured here). Django turns them off for connection poolers; set PG_PREPARE_THRESHOLD=off
    # behind a transaction-mode pooler (pgbouncer).
    threshold = os.environ.get("PG_PREPARE_THRESHOLD", "2")
    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "prepare_threshold": None if threshold == "off" else int(threshold),
        # A generic plan cannot see the bounds of a scope or a search prefix and may walk the wrong index;
        # plan each execution with its values (parsing is still saved).
        "options": f"-c plan_cache_mode={os.environ.get('PG_PLAN_CACHE_MODE', 'force_custom_plan')}",
    }
# Reads that tolerate seconds of lag (public site, search, dashboards) from a streaming replica (core.replica).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60),
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},  # tests: the replica's copy of the test database
    }
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
REPLICA_PIN_SECONDS = int(os.environ.get("REPLICA_PIN_SECONDS", "15"))  # read-your-own-writes after a save
DATABASES["default"]["TEST"] = (
    {"NAME": os.environ.get("TEST_DATABASE_NAME")} if os.environ.get("TEST_DATABASE_NAME") else {}
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}
# Cached rows are keyed by primary keys, which mean other rows in another database: a cache shared by two databases
# (staging and production on one Redis, a copy of the data) must never answer one with the other's user or page.
CACHES["default"]["KEY_PREFIX"] = hashlib.sha256(DATABASE_URL.encode()).hexdigest()[:12]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.security.ChineseCommonPasswordValidator"},
    {"NAME": "accounts.security.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
]
# Repeated failed sign-ins lock an account (5) or an address (20: a hospital signs in from behind one NAT address)
# for 15 minutes (django-axes, accounts.security). An administrator unlocks at 账号 or in /admin/.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.security.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "accounts.security.locked_out"
AXES_CLIENT_IP_CALLABLE = "accounts.security.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A proxy in front of the app servers (docs/deploy.md) appends the client's address to X-Forwarded-For.
TRUST_X_FORWARDED_FOR = os.environ.get("TRUST_X_FORWARDED_FOR") == "1"
# Administrators (unit and sector admins, superusers) sign in with a one-time code from an authenticator app too.
OTP_REQUIRED = os.environ.get("GONGJIAN_OTP_REQUIRED", "1") == "1"
OTP_TOTP_ISSUER = "共建党建平台"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# Uploads (photos, documents, agreements, pending import files, exports) go through Django's storage API and are
# served through the access gate (core.files.file_response): this server's disk by default, an S3-compatible
# object store when OBJECT_STORE_BUCKET is set, so that a second app server sees every file (docs/deploy.md).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if os.environ.get("OBJECT_STORE_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["OBJECT_STORE_BUCKET"],
            "endpoint_url": os.environ.get("OBJECT_STORE_URL") or None,  # unset: AWS S3 itself
            "region_name": os.environ.get("OBJECT_STORE_REGION", "us-east-1"),
            "access_key": os.environ.get("OBJECT_STORE_ACCESS_KEY") or None,  # unset: the instance's role
            "secret_key": os.environ.get("OBJECT_STORE_SECRET_KEY") or None,
            "location": os.environ.get("OBJECT_STORE_PREFIX", ""),
            "addressing_style": os.environ.get("OBJECT_STORE_ADDRESSING", "path"),  # MinIO, Ceph, moto: path
            "default_acl": None,  # the bucket's own (private): nothing is read from the store but through the gate
            "querystring_auth": True,
            "file_overwrite": False,  # two uploads of one name never replace each other
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
IMPORT_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_BYTES = 20 * 1024 * 1024
PHOTO_MAX_PIXELS = 60_000_000  # larger images are refused as decompression bombs
# Sector figures (co-construction statistics, dashboards) are recomputed at most this often.
STATS_CACHE_SECONDS = int(os.environ.get("STATS_CACHE_SECONDS", "600"))
# A check-in QR code is valid this many seconds; the meeting screen shows a fresh one every 20 s.
CHECKIN_TOKEN_SECONDS = int(os.environ.get("CHECKIN_TOKEN_SECONDS", "90"))

# Sessions read from the cache first (file-based here, Redis when REDIS_URL is set), the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Django's own backend stays second so that sessions signed in before ours was added remain valid.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out sign-in before any password is checked
    "accounts.backends.GrantsModelBackend",
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): scripts only from this site or with the response's nonce,
# so that markup injected through data cannot run (inline handlers and javascript: URLs included). Styles may be
# inline (templates and ECharts set them); images may come from https (imported article bodies link them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "https:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not LOCAL:
    # Production is served over HTTPS only (docs/deploy.md): a plain-HTTP request is redirected, browsers are told
    # to use HTTPS for a year, and cookies never travel in clear. /healthz stays reachable for a load balancer.
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/deep$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if os.environ.get("TRUST_X_FORWARDED_PROTO") == "1":  # behind a TLS-terminating proxy that sets the header
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongjian API",
    "DESCRIPTION": "党建共建平台 registry API. Token auth: `Authorization: Token <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],  # the schema is for API users
}

# Daily encrypted backups (core.backup) go here when set; the newest BACKUP_KEEP are kept.
BACKUP_DIR = os.environ.get("BACKUP_DIR", "")
BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "14"))

# The token a monitoring system sends (X-Health-Token) to read /healthz/deep without signing in.
HEALTH_CHECK_TOKEN = os.environ.get("HEALTH_CHECK_TOKEN", "")
HEALTH_MIN_FREE_BYTES = int(os.environ.get("HEALTH_MIN_FREE_MB", "1024")) * 1024 * 1024

# Background work (core.tasks, docs/decisions/0009): django-q2 with the database as broker (SQLite under `make run`,
# PostgreSQL in production, any number of `manage.py run_worker` processes on any machines). A task whose worker
# died is recovered by the job's own lock (core.locks), not by the broker's redelivery, which comes much later.
Q_CLUSTER = {
    "name": "gongjian",
    "orm": "default",
    "workers": int(os.environ.get("QUEUE_WORKERS", "2")),
    "recycle": 200,  # a worker process is replaced after this many tasks (memory of big imports)
    "timeout": 3600,
    "retry": 3700,  # must exceed timeout: the broker hands a task out again only after this
    "max_attempts": 1,
    "poll": 1,
    "save_limit": 500,
    "ack_failures": True,
    "catch_up": False,
    "label": "后台任务",
    "sync": os.environ.get("GONGJIAN_TASKS_SYNC") == "1",  # the test suite runs tasks in the calling thread
}

# Messages (workbench.notices) are also emailed to those who choose it: the console by default, SMTP when
# EMAIL_HOST is set. SITE_URL makes the links in those emails absolute.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongjian@localhost")

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_LOGENTRY_MODEL = "core.AuditEntry"  # auditlog's entry with leaner indexes (core/models.py)
AUDITLOG_STORE_JSON_CHANGES = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
