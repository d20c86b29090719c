"""javac, jar, Maven and Gradle: where the jar lands and what it is named."""

from __future__ import annotations

import pytest

HEAD = "FROM maven:3.9-eclipse-temurin-21\nWORKDIR /w\nCOPY . .\n"
POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <artifactId>svc</artifactId>
  <version>1.4.0</version>
  {extra}
</project>
"""


def paths(facts):
    return [a.path for a in facts.builds]


@pytest.mark.parametrize(
    "run, expected",
    [
        ("javac -d out A.java", ["/w/out"]),
        ("javac -cp lib/x.jar -d /classes A.java", ["/classes"]),
        ("jar --create --file app.jar -C out .", ["/w/app.jar"]),
        ("jar --create --file=app.jar --main-class=a.Main -C out .", ["/w/app.jar"]),
        ("jar cfe /opt/app.jar a.Main -C out .", ["/opt/app.jar"]),
        ("jar -cvfm app.jar MANIFEST.MF -C out .", ["/w/app.jar"]),
        ("cd sub && jar cf lib.jar -C out .", ["/w/sub/lib.jar"]),
        ("jar tf app.jar", []),
    ],
)
def test_javac_and_jar(recognise, run, expected):
    facts = recognise(f"FROM eclipse-temurin:17-jdk\nWORKDIR /w\nRUN {run}\n")
    assert paths(facts) == expected and not facts.unknown


def test_jar_main_class_from_the_letters(recognise):
    (art,) = recognise("FROM eclipse-temurin:17-jdk\nWORKDIR /w\nRUN jar cvfe app.jar com.x.Main -C out .\n").builds
    assert art.details.main_class == "com.x.Main"


def test_a_listing_find_in_a_substitution_is_harmless_and_a_deleting_one_is_not(recognise):
    listing = recognise("FROM eclipse-temurin:17-jdk\nWORKDIR /w\nRUN javac -d out $(find src -name '*.java')\n")
    assert [c.name for c in listing.other] == []
    deleting = recognise("FROM eclipse-temurin:17-jdk\nWORKDIR /w\nRUN find . -name '*.tmp' -delete\n")
    assert [c.name for c in deleting.other] == ["find"]


@pytest.mark.parametrize(
    "extra, run, expected",
    [
        ("", "mvn package", ["/w/target/svc-1.4.0.jar"]),
        ("", "mvn -B -DskipTests clean install", ["/w/target/svc-1.4.0.jar"]),
        ("", "./mvnw -q verify", ["/w/target/svc-1.4.0.jar"]),
        ("<build><finalName>app</finalName></build>", "mvn package", ["/w/target/app.jar"]),
        ("<packaging>war</packaging>", "mvn package", ["/w/target/svc-1.4.0.war"]),
        (
            "<properties><rev>9</rev></properties><build><finalName>${project.artifactId}-${rev}</finalName></build>",
            "mvn package",
            ["/w/target/svc-9.jar"],
        ),
        ("<build><finalName>${name}</finalName></build>", "mvn -Dname=cli package", ["/w/target/cli.jar"]),
        (
            "<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId>"
            "<configuration><classifier>exec</classifier></configuration></plugin></plugins></build>",
            "mvn package",
            ["/w/target/svc-1.4.0.jar", "/w/target/svc-1.4.0-exec.jar"],
        ),
        (
            "<build><plugins><plugin><artifactId>maven-shade-plugin</artifactId><executions><execution>"
            "<configuration><shadedArtifactAttached>true</shadedArtifactAttached></configuration>"
            "</execution></executions></plugin></plugins></build>",
            "mvn package",
            ["/w/target/svc-1.4.0.jar", "/w/target/svc-1.4.0-shaded.jar"],
        ),
    ],
)
def test_maven_jar_names(recognise, extra, run, expected):
    facts = recognise(HEAD + f"RUN {run}\n", {"pom.xml": POM.format(extra=extra)})
    assert paths(facts) == expected and not facts.unknown


def test_spring_boot_repackages_in_place(recognise):
    pom = POM.format(
        extra="<build><plugins><plugin><artifactId>spring-boot-maven-plugin</artifactId></plugin></plugins></build>"
    )
    (art,) = recognise(HEAD + "RUN mvn package\n", {"pom.xml": pom}).builds
    assert art.details.runnable and art.path == "/w/target/svc-1.4.0.jar"


def test_maven_modules_each_give_their_jar(recognise):
    parent = POM.format(extra="<packaging>pom</packaging><modules><module>a</module><module>b</module></modules>")
    files = {
        "pom.xml": parent,
        "a/pom.xml": POM.format(extra="").replace("svc", "a"),
        "b/pom.xml": POM.format(extra="").replace("svc", "b"),
    }
    assert paths(recognise(HEAD + "RUN mvn package\n", files)) == ["/w/a/target/a-1.4.0.jar", "/w/b/target/b-1.4.0.jar"]
    assert paths(recognise(HEAD + "RUN mvn -pl b -am package\n", files)) == ["/w/b/target/b-1.4.0.jar"]


@pytest.mark.parametrize(
    "extra, run, reason",
    [
        ("<build><finalName>${nope}</finalName></build>", "mvn package", "cannot resolve the jar's name"),
        ("", "mvn jib:build", "cannot tell what the goal `jib:build` writes"),
        ("", "test -f x && mvn package", "only under a condition"),
    ],
)
def test_maven_reasons(recognise, extra, run, reason):
    facts = recognise(HEAD + f"RUN {run}\n", {"pom.xml": POM.format(extra=extra)})
    assert not facts.builds and reason in facts.unknown[0]


def test_maven_without_a_pom_says_so(recognise):
    facts = recognise("FROM maven:3.9-eclipse-temurin-21\nWORKDIR /w\nRUN mvn package\n")
    assert "cannot read /w/pom.xml" in facts.unknown[0]


@pytest.mark.parametrize("run", ["mvn dependency:go-offline", "mvn -B clean", "mvn test"])
def test_maven_steps_that_write_no_jar(recognise, run):
    facts = recognise(HEAD + f"RUN {run}\n", {"pom.xml": POM.format(extra="")})
    assert not facts.builds and not facts.unknown and not facts.other


GRADLE = "FROM gradle:8.10-jdk21\nWORKDIR /home/gradle/p\nCOPY . .\n"


@pytest.mark.parametrize(
    "build, run, expected",
    [
        ("plugins { id 'java' }\nversion = '1.0'\n", "gradle build", ["/home/gradle/p/build/libs/demo-1.0.jar"]),
        ("plugins { id 'java' }\n", "gradle jar", ["/home/gradle/p/build/libs/demo.jar"]),
        (
            "plugins {\n  id 'org.springframework.boot' version '3.3.4'\n}\nversion = '0.0.1-SNAPSHOT'\n",
            "./gradlew build -x test",
            [
                "/home/gradle/p/build/libs/demo-0.0.1-SNAPSHOT.jar",
                "/home/gradle/p/build/libs/demo-0.0.1-SNAPSHOT-plain.jar",
            ],
        ),
        (
            "plugins { id 'org.springframework.boot' version '3.3.4' }\nversion '2'\n",
            "./gradlew --no-daemon bootJar",
            ["/home/gradle/p/build/libs/demo-2.jar"],
        ),
        (
            'plugins {\n  id("com.gradleup.shadow") version "8.3.0"\n}\nversion = "3"\n',
            "gradle shadowJar",
            ["/home/gradle/p/build/libs/demo-3-all.jar"],
        ),
        ("plugins {\n  id 'application'\n}\n", "gradle installDist", ["/home/gradle/p/build/install/demo"]),
    ],
)
def test_gradle_outputs(recognise, build, run, expected):
    files = {"settings.gradle": "rootProject.name = 'demo'\n", "build.gradle": build}
    facts = recognise(GRADLE + f"RUN {run}\n", files)
    assert paths(facts) == expected and not facts.unknown


def test_gradle_project_name_defaults_to_the_folder(recognise):
    facts = recognise(GRADLE + "RUN gradle jar\n", {"build.gradle": "plugins { id 'java' }\n"})
    assert paths(facts) == ["/home/gradle/p/build/libs/p.jar"]


@pytest.mark.parametrize(
    "build, run, reason",
    [
        ("version = computeVersion()\n", "gradle build", "cannot resolve the version"),
        ('jar { archiveFileName = "x-${v}.jar" }\n', "gradle build", "cannot resolve the jar's name"),
        ("plugins { id 'java' }\n", "gradle installDist", "needs the application plugin"),
        ("plugins { id 'java' }\n", "gradle jibDockerBuild", "cannot tell what the task"),
    ],
)
def test_gradle_reasons(recognise, build, run, reason):
    facts = recognise(
        GRADLE + f"RUN {run}\n", {"settings.gradle": "rootProject.name = 'demo'\n", "build.gradle": build}
    )
    assert not facts.builds and reason in facts.unknown[0]


def test_gradle_archive_settings_by_task(recognise):
    build = (
        "plugins {\n  id 'java'\n  id 'com.github.johnrengelman.shadow' version '8.1.1'\n}\nversion = '1.0'\n"
        "shadowJar {\n  archiveBaseName = 'svc'\n  archiveClassifier = ''\n  archiveVersion = ''\n}\n"
        "jar { archiveClassifier = 'thin' }\n"
    )
    facts = recognise(
        GRADLE + "RUN gradle build\n", {"settings.gradle": "rootProject.name = 'demo'\n", "build.gradle": build}
    )
    assert paths(facts) == ["/home/gradle/p/build/libs/demo-1.0-thin.jar", "/home/gradle/p/build/libs/svc.jar"]


def test_gradle_subproject_gets_what_allprojects_applies_and_its_renamed_name(recognise):
    root = 'plugins { application }\nallprojects {\n  apply(plugin = "application")\n}\n'
    settings = (
        'rootProject.name = "r"\ninclude(\n  "a:b", // the app\n  /* "old", */\n)\nproject(":a:b").name = "bee"\n'
    )
    files = {"settings.gradle.kts": settings, "build.gradle.kts": root, "a/b/build.gradle.kts": "dependencies {}\n"}
    facts = recognise(GRADLE + "RUN gradle a:b:installDist\n", files)
    assert paths(facts) == ["/home/gradle/p/a/b/build/install/bee"]
    missing = recognise(GRADLE + "RUN gradle old:installDist\n", files)
    assert "names a project the settings file does not include" in missing.unknown[0]


def test_maven_assembly_single_and_shade_output_file(recognise):
    assembly = (
        "<build><plugins><plugin><artifactId>maven-assembly-plugin</artifactId><configuration>"
        "<descriptorRefs><descriptorRef>jar-with-dependencies</descriptorRef></descriptorRefs>"
        "</configuration></plugin></plugins></build>"
    )
    facts = recognise(HEAD + "RUN mvn compile assembly:single -q\n", {"pom.xml": POM.format(extra=assembly)})
    assert paths(facts) == ["/w/target/svc-1.4.0-jar-with-dependencies.jar"]
    shade = (
        "<build><plugins><plugin><artifactId>maven-shade-plugin</artifactId><executions><execution><configuration>"
        "<outputFile>${project.build.directory}/${project.artifactId}-fat.jar</outputFile>"
        "</configuration></execution></executions></plugin></plugins></build>"
    )
    facts = recognise(HEAD + "RUN mvn package\n", {"pom.xml": POM.format(extra=shade)})
    assert paths(facts) == ["/w/target/svc-fat.jar", "/w/target/svc-1.4.0.jar"]


def test_maven_profiles_the_command_activates(recognise):
    profiles = (
        "<build><finalName>base</finalName></build><profiles>"
        "<profile><id>prod</id><build><finalName>svc-prod</finalName></build></profile>"
        "<profile><id>dev</id><activation><activeByDefault>true</activeByDefault></activation>"
        "<build><finalName>svc-dev</finalName></build></profile></profiles>"
    )
    files = {"pom.xml": POM.format(extra=profiles)}
    assert paths(recognise(HEAD + "RUN mvn package\n", files)) == ["/w/target/svc-dev.jar"]
    assert paths(recognise(HEAD + "RUN mvn -Pprod package\n", files)) == ["/w/target/svc-prod.jar"]
    assert paths(recognise(HEAD + "RUN mvn -P !dev package\n", files)) == ["/w/target/base.jar"]


def test_a_plugin_only_managed_does_not_run(recognise):
    managed = (
        "<build><pluginManagement><plugins><plugin><artifactId>maven-shade-plugin</artifactId><configuration>"
        "<shadedArtifactAttached>true</shadedArtifactAttached></configuration></plugin></plugins></pluginManagement></build>"
    )
    assert paths(recognise(HEAD + "RUN mvn package\n", {"pom.xml": POM.format(extra=managed)})) == [
        "/w/target/svc-1.4.0.jar"
    ]
