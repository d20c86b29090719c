"""gcc/cc/g++, make and make install, cmake, ./configure, ctest."""

from __future__ import annotations

import pytest

HEAD = "FROM gcc:14\nWORKDIR /src\nCOPY . .\n"
MAKEFILE = """\
CC ?= cc
PREFIX ?= /usr/local
LDLIBS = -lpq -lssl
OBJS = main.o util.o

all: server tool

server: $(OBJS)
\t$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

tool: tool.o

%.o: %.c
\t$(CC) -c -o $@ $<

install: all
\tmkdir -p $(DESTDIR)$(PREFIX)/bin
\tinstall -m 0755 server tool $(DESTDIR)$(PREFIX)/bin
\tcp server.conf $(DESTDIR)/etc/server.conf

check: server
\t./server --self-test

.PHONY: all install check
"""


def built(facts):
    return [(a.kind, a.path) for a in facts.builds]


@pytest.mark.parametrize(
    "run, expected",
    [
        ("gcc -O2 -o app main.c -lpq -l ssl", [("native-binary", "/src/app")]),
        ("cc main.c", [("native-binary", "/src/a.out")]),
        ("cd build && g++ -std=c++17 -o/usr/local/bin/app ../main.cpp", [("native-binary", "/usr/local/bin/app")]),
        ("gcc -shared -fPIC -o libx.so x.c", [("native-library", "/src/libx.so")]),
        ("gcc -o app *.c", [("native-binary", "/src/app")]),  # the glob is the inputs
        ("x86_64-linux-gnu-gcc-12 -static -o app main.c", [("native-binary", "/src/app")]),
        ("gcc -c main.c", []),
    ],
)
def test_compiler_lines(recognise, run, expected):
    facts = recognise(HEAD + f"RUN {run}\n")
    assert built(facts) == expected and facts.unknown == ()
    assert [c.name for c in facts.other] in ([], ["cd"])


def test_compiler_details(recognise):
    (app,) = recognise(HEAD + "RUN gcc -static -o app main.c -lpq -l ssl\n").builds
    assert (app.details.source, app.details.compiler, app.details.libraries, app.details.static) == (
        "gcc",
        "gcc",
        ("pq", "ssl"),
        True,
    )
    facts = recognise(HEAD + "RUN gcc -o app main.c $(pkg-config --libs libpq)\n")
    assert built(facts) == [("native-binary", "/src/app")]
    assert facts.unknown == (
        "`gcc -o app main.c $(pkg-config --libs libpq)`: cannot tell which libraries it links: `$(pkg-config --libs libpq)`: it is not a plain word",
    )


def test_make_default_goal_and_implicit_link(recognise):
    facts = recognise(HEAD + "RUN make -j$(nproc)\n", {"Makefile": MAKEFILE})
    assert built(facts) == [("native-binary", "/src/server"), ("native-binary", "/src/tool")]
    server, tool = (a.details for a in facts.builds)
    assert server.libraries == ("pq", "ssl") and server.compiler == "cc"
    assert tool.libraries == ("pq", "ssl")  # make's built-in `%: %.o` rule links with $(LDLIBS)
    assert facts.unknown == ()


def test_make_install_names_files_and_sees_destdir_support(recognise):
    facts = recognise(HEAD + "RUN make && make check && make install PREFIX=/opt/app\n", {"Makefile": MAKEFILE})
    assert built(facts) == [
        ("native-binary", "/src/server"),
        ("native-binary", "/src/tool"),
        ("native-binary", "/opt/app/bin/server"),
        ("native-binary", "/opt/app/bin/tool"),
        ("file", "/etc/server.conf"),
    ]
    installed = facts.builds[2].details
    assert (installed.built, installed.prefix, installed.destdir, installed.libraries) == (
        "/src/server",
        "/opt/app",
        True,
        ("pq", "ssl"),
    )
    assert [(t.tool, t.kind, t.cwd) for t in facts.tests] == [("make", "test", "/src")]


def test_make_install_into_destdir_is_a_tree(recognise):
    facts = recognise(HEAD + "RUN make install DESTDIR=/staging\n", {"Makefile": MAKEFILE})
    (tree,) = [a for a in facts.builds if a.kind == "install-tree"]
    assert tree.path == "/staging"
    assert tree.details.files == (
        "/staging/usr/local/bin/server",
        "/staging/usr/local/bin/tool",
        "/staging/etc/server.conf",
    )
    facts = recognise(HEAD + "ENV DESTDIR=/out\nRUN make -C /src install\n", {"Makefile": MAKEFILE})
    assert [a.path for a in facts.builds if a.kind == "install-tree"] == ["/out"]


def test_make_install_without_destdir_support(recognise):
    makefile = "all: prog\nprog: prog.c\n\tcc -o prog prog.c\ninstall:\n\tcp prog /usr/bin/prog\n"
    facts = recognise(HEAD + "RUN make install\n", {"Makefile": makefile})
    assert built(facts) == [("native-binary", "/usr/bin/prog")]
    assert facts.builds[0].details.destdir is False


def test_make_install_that_cannot_be_read(recognise):
    makefile = "all:\n\tcc -o prog prog.c\ninstall:\n\t$(MAKE) -C sub install\n\t./install.sh $(PREFIX)\n"
    facts = recognise(HEAD + "RUN make install\n", {"Makefile": makefile})
    assert facts.unknown == (
        "`make install`: cannot tell which binary `make install` installs; add `DESTDIR` support or say which file to copy",
    )
    # With DESTDIR given, the staged tree is known even when its files are not.
    facts = recognise(HEAD + "RUN make install DESTDIR=/stage\n", {"Makefile": makefile})
    assert built(facts) == [("install-tree", "/stage")] and facts.unknown == ()


@pytest.mark.parametrize(
    "head, run, files, reason",
    [
        (HEAD, "make", {}, "no Makefile in /src in the build context"),
        (HEAD, "make install", {"Makefile": "all:\n\tcc -o a a.c\n"}, "the Makefile in /src has no `install` target"),
        (
            HEAD,
            "make docs",
            {"Makefile": "docs:\n\tsphinx-build docs out\n"},
            "cannot tell what `make docs` builds: no recipe of it links with a C compiler",
        ),
        (
            HEAD,
            "make",
            {"Makefile": "all:\n\t$(CC) -o app $(shell pkg-config --libs x) a.c\n"},
            "cannot tell which libraries all links: `$(CC) -o app $(shell pkg-config --libs x) a.c`",
        ),
        (
            HEAD + "ARG T\n",
            "make $T",
            {"Makefile": MAKEFILE},
            "cannot read `$T`: ARG T has no default: only --build-arg T sets it",
        ),
        (
            "FROM example/builder\nWORKDIR /src\nCOPY . .\n",
            "make install",
            {"Makefile": MAKEFILE},
            "cannot tell where it installs: $DESTDIR may be set by the ENV of base image example/builder",
        ),
    ],
)
def test_make_reasons(recognise, head, run, files, reason):
    facts = recognise(head + f"RUN {run}\n", files)
    assert f"`{run}`: {reason}" in facts.unknown


def test_make_file_and_directory_options(recognise):
    files = {"sub/build.mk": "prog: prog.c\n\tgcc -o prog prog.c -lm\n"}
    facts = recognise(HEAD + "RUN make -C sub -f build.mk --no-print-directory -j 4 prog\n", files)
    assert built(facts) == [("native-binary", "/src/sub/prog")]


CMAKELISTS = """\
cmake_minimum_required(VERSION 3.16)
project(greeter C)
include(GNUInstallDirs)
find_package(CURL REQUIRED)
add_executable(${PROJECT_NAME} src/main.c)
target_link_libraries(greeter PRIVATE CURL::libcurl m)
add_executable(helper EXCLUDE_FROM_ALL src/helper.c)
add_subdirectory(tools)
install(TARGETS greeter RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES greeter.conf DESTINATION /etc)
if(BUILD_TESTING)
  add_executable(unit tests/unit.c)
endif()
"""
TOOLS = "add_executable(gen gen.c)\nset_target_properties(gen PROPERTIES OUTPUT_NAME greeter-gen)\n"


def test_cmake_configure_build_install(recognise):
    files = {"CMakeLists.txt": CMAKELISTS, "tools/CMakeLists.txt": TOOLS}
    run = "cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j && cmake --install build --prefix /opt/g"
    facts = recognise(HEAD + f"RUN {run}\n", files)
    assert built(facts) == [
        ("native-binary", "/src/build/greeter"),
        ("native-binary", "/src/build/tools/greeter-gen"),
        ("native-binary", "/opt/g/bin/greeter"),
        ("file", "/etc/greeter.conf"),
    ]
    assert facts.builds[0].details.libraries == ("CURL::libcurl", "m")
    assert facts.builds[0].details.packages == ("CURL",)
    assert facts.unknown == (
        "`cmake --build build -j`: cannot tell whether unit is built: add_executable() is under an if()",
    )


def test_cmake_old_style_and_make_install_in_the_build_dir(recognise):
    files = {"CMakeLists.txt": "project(x)\nadd_executable(x main.c)\ninstall(TARGETS x)\n"}
    run = "mkdir build && cd build && cmake .. -DCMAKE_INSTALL_PREFIX=/usr && make && make install DESTDIR=/pkg"
    facts = recognise(HEAD + f"RUN {run}\n", files)
    assert built(facts) == [("native-binary", "/src/build/x"), ("install-tree", "/pkg")]
    assert facts.builds[1].details.files == ("/pkg/usr/bin/x",)
    # Across RUNs of the stage too.
    facts = recognise(HEAD + "RUN cmake -B /b -S /src\nRUN cmake --build /b --target x\n", files)
    assert built(facts) == [("native-binary", "/b/x")]


def test_cmake_reasons(recognise):
    facts = recognise(HEAD + "RUN cmake --build build\n", {"CMakeLists.txt": "project(x)\n"})
    assert facts.unknown == ("`cmake --build build`: no `cmake` configure step for /src/build earlier in this stage",)
    facts = recognise(HEAD + "RUN cmake --preset release\n")
    assert facts.unknown == ("`cmake --preset release`: cmake presets are not read: say the build directory with -B",)
    facts = recognise(HEAD + "RUN cmake -B b && cmake --build b\n")
    assert facts.unknown == ("`cmake --build b`: no CMakeLists.txt in /src in the build context",)
    files = {"CMakeLists.txt": "add_executable(${NAME} main.c)\n"}
    facts = recognise(HEAD + "RUN cmake -B b && cmake --build b\n", files)
    assert facts.unknown == (
        "`cmake --build b`: add_executable(${NAME}) names the program with a variable not known here",
    )


def test_configure_then_make_install(recognise):
    files = {
        "configure": "#!/bin/sh\n",
        "Makefile.am": "SUBDIRS = src\n",
        "src/Makefile.am": "bin_PROGRAMS = hello\nnoinst_PROGRAMS = helper$(EXEEXT)\nhello_SOURCES = hello.c\n",
    }
    facts = recognise(HEAD + "RUN ./configure --prefix=/opt/hello && make && make install\n", files)
    assert built(facts) == [
        ("native-binary", "/src/src/hello"),
        ("native-binary", "/src/src/helper"),
        ("native-binary", "/opt/hello/bin/hello"),
    ]
    assert facts.builds[2].details.destdir is True
    facts = recognise(HEAD + "RUN ./configure && make\n", {"configure": "#!/bin/sh\n"})
    assert facts.unknown == ("`make`: cannot tell what `make` builds after ./configure: no Makefile.am in /src",)


def test_test_steps(recognise):
    facts = recognise(HEAD + "RUN cd build && ctest --output-on-failure && make test\n")
    assert [(t.tool, t.kind, t.cwd) for t in facts.tests] == [
        ("ctest", "test", "/src/build"),
        ("make", "test", "/src/build"),
    ]
