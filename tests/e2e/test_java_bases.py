"""The Java runtimes the Java split chooses have stand-ins that are what
their names promise (scripts/make-bases.sh): distroless java17-debian13 with
Java 17, `java -jar` as its ENTRYPOINT, the nonroot user, and no shell or
package manager; the temurin JRE under the -noble tag the catalog names."""

import pytest

from tests.images import image_facts

pytestmark = pytest.mark.e2e

IMAGE = "gcr.io/distroless/java17-debian13"


def test_distroless_java17_debian13_is_a_shell_less_jre(engine):
    for tag in ("latest", "nonroot"):
        cfg = engine.inspect(f"{IMAGE}:{tag}")["Config"]
        assert cfg.get("Entrypoint") == ["/usr/bin/java", "-jar"]
        if tag == "nonroot":
            assert cfg.get("User") == "65532:65532"
        found, passwd = image_facts(
            engine, f"{IMAGE}:{tag}", ["java", "sh", "bash", "dash", "apt-get", "dpkg", "javac"]
        )
        assert "nonroot:x:65532:65532:" in passwd
        assert found.pop("java"), "no java"
        assert found == {}, f"{IMAGE}:{tag} carries {found}"


def test_distroless_java17_debian13_runs_java_17_on_trixie(engine):
    import subprocess

    # the entrypoint is `java -jar`: call java alone to ask its version
    argv = [
        engine.cli,
        "run",
        "--rm",
        "--network",
        "none",
        "--entrypoint",
        "/usr/bin/java",
        f"{IMAGE}:nonroot",
        "-version",
    ]
    r = subprocess.run(argv, env=engine.env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert 'version "17.' in r.stderr


def test_temurin_jre_noble_tag_is_java_17(engine):
    r = engine.run("eclipse-temurin:17-jre-noble", ["sh", "-c", "java -version 2>&1 | head -1"], timeout=60)
    assert r.exit_code == 0 and r.stdout.startswith('openjdk version "17'), (r.stdout, r.stderr)
