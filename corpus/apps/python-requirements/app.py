"""A small Flask API. SELFTEST=1 sends one request through Flask's test
client and prints the answer, then exits."""

import os
import sys

from flask import Flask, jsonify, request

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(service="python-requirements", status="ok")


@app.get("/add")
def add():
    a = int(request.args.get("a", 0))
    b = int(request.args.get("b", 0))
    return jsonify(sum=a + b)


def selftest() -> int:
    resp = app.test_client().get("/add?a=40&b=2")
    print(f"python-requirements selftest: {resp.status_code} {resp.get_json()['sum']}")
    return 0 if resp.status_code == 200 else 1


if __name__ == "__main__":
    if os.environ.get("SELFTEST") == "1":
        sys.exit(selftest())
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
