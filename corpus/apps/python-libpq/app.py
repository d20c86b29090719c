"""Reads the database settings with libpq itself (psycopg2 compiled from its
source distribution against libpq-dev), as the service does before it
connects."""

import os

import psycopg2
from psycopg2 import extensions

DSN = os.environ.get("DATABASE_URL", "postgresql://shop@db:5432/orders?connect_timeout=5")


def settings(dsn: str) -> dict:
    return extensions.parse_dsn(dsn)  # PQconninfoParse, in libpq.so.5


if os.environ.get("SELFTEST"):
    parsed = settings(DSN)
    major = extensions.libpq_version() // 10000
    print(
        f"python-libpq selftest: psycopg2 {psycopg2.__version__.split()[0]} libpq {major}"
        f" dbname={parsed['dbname']} host={parsed['host']} port={parsed['port']}"
    )
else:
    print(settings(DSN))
