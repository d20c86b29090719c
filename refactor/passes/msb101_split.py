"""MSB101: split a single-stage build into a builder and a runtime stage."""

from __future__ import annotations

from . import SAFE, Decline, Pass


class SplitBuild(Pass):
    """
    ## What it does
    Splits a single-stage Dockerfile that builds an application into a
    `builder` stage, which is the original stage with every step, comment
    and order kept, and a final runtime stage on a small base from the
    runtime catalog that receives only the built artifacts and the files
    the app reads at run time (templates, static files, configuration),
    under the same paths. The runtime stage keeps the original image's
    contract: the ARGs and ENVs it uses, WORKDIR, EXPOSE, LABEL, VOLUME,
    STOPSIGNAL, HEALTHCHECK, USER, ENTRYPOINT and CMD. Where the runtime
    base has a non-root user (distroless `nonroot`), the stage runs as it.

    Ecosystems: Go (`go build`, `go install`), Rust (`cargo build`,
    `cargo install`), Java (`javac`/`jar`, Maven, Gradle: the jar or
    `installDist` folder on a JRE of the same major version), .NET
    (`dotnet publish`: the publish folder on `aspnet`, `runtime` or
    `runtime-deps`), Python (`pip`, Poetry, uv and Pipenv installs, into a
    virtual environment copied whole), Node.js (npm, yarn, pnpm: the app's
    folder with production dependencies only, `npm start` resolved to the
    `node` command it runs), static front ends served by nginx (the bundle
    and the server configuration on an unprivileged nginx) and C/C++
    (`make`, `make install`, `cmake`, `gcc`).
    Test steps (`go test`, `cargo test`, `make check`) stay in the builder,
    so a failing test still fails the build; with `--test-stage`, a RUN that
    only tests moves into a `test` stage built on the builder
    (`docker build --target test` runs it).

    When the tool cannot name the artifacts, what the runtime needs, or the
    program the image runs, it leaves the file alone and says why.

    ## Why
    A single-stage image ships the compiler, the sources and the build
    caches: a Go service runs a 15 MB binary from an 800 MB image, and every
    tool in it is attack surface. A runtime stage holds what runs and
    nothing else, so the image is smaller, faster to pull, and has no
    compiler or package manager for an attacker to use. `docker build`
    still builds the final stage by default; `--target builder` builds the
    builder alone.

    ## Example
    ```dockerfile
    FROM golang:1.22
    WORKDIR /src
    COPY go.mod main.go ./
    RUN CGO_ENABLED=0 go build -o /usr/local/bin/server .
    EXPOSE 8080
    CMD ["server"]
    ```

    ## Use instead
    ```dockerfile
    FROM golang:1.22 AS builder
    WORKDIR /src
    COPY go.mod main.go ./
    RUN CGO_ENABLED=0 go build -o /usr/local/bin/server .

    FROM gcr.io/distroless/static-debian13
    WORKDIR /src
    COPY --from=builder /usr/local/bin/server /usr/local/bin/server
    USER 65532:65532
    EXPOSE 8080
    CMD ["server"]
    ```

    ## Fix safety
    Safe when every check holds: the program the image runs is the artifact
    the build made, no RUN does anything the runtime could need that would
    stay behind in the builder (making folders, adding users, fetching
    files), the COPY instructions can be read exactly, and the runtime base
    has the same or a newer C library than the builder. The engine then
    checks that the final image keeps its CMD and EXPOSE, and
    `msb-refactor --verify` builds both images and compares them. What the
    base image itself set (its ENV, ENTRYPOINT, WORKDIR) comes from the new
    base, which is why the final image's inherited settings may change.
    """

    code = "MSB101"
    name = "split-build"
    runs_after = ("MSB001",)  # exec form first: distroless has no shell to run a shell-form CMD
    # A new final stage on another base: what it inherits from the base changes; CMD and EXPOSE must not.
    changes_image = frozenset({"entrypoint", "env", "workdir", "user", "volume", "stopsignal", "healthcheck"})

    def run(self, tree, ctx):
        from ..ecosystems import plan_split, titles
        from ..ecosystems.common import size_estimate
        from ..split import apply_plan

        if not tree.stages:
            return Decline("no FROM instruction")
        if len(tree.stages) > 1:
            return Decline("already multi-stage")
        stage = tree.stages[0]
        plan = plan_split(tree, stage, ctx)
        if plan is None:
            return Decline(f"the final stage has no build step this tool recognises ({titles()})")
        if isinstance(plan, str):
            return Decline(plan)
        out = self.outcome()
        what = ", ".join(c.path for c in plan.copies if c.why == "artifact")
        message = f"split into builder and runtime on {plan.runtime_image} ({plan.runtime_reason}); copies {what}"
        if plan.runtime_packages:
            message += f"; installs {', '.join(plan.runtime_packages)} in the runtime"
        if plan.summary:
            message += f"; {plan.summary}"
        sizes = size_estimate(ctx.catalog(), stage.from_.image, plan.runtime_image)
        details = {"ecosystem": plan.ecosystem, "runtime": plan.runtime_image}
        if sizes:
            details["estimated_size"] = sizes
        edit = out.change(message, applicability=SAFE, at=stage.from_, details=details)
        apply_plan(tree, stage, plan, edit, test_stage=ctx.test_stage)
        for ins, text in plan.commands:  # `npm start` resolved to the node command it runs: the CMD changes
            if ins.name == "CMD":
                edit.resolve("cmd", *_resolved_cmd(tree, stage, text))
        return out


def _resolved_cmd(tree, stage, text: str) -> tuple:
    """The final image's CMD before, and as the runtime stage's ``text`` sets it
    (read as the engine reads it: in a stage with the same SHELL)."""
    from ..analysis import facts
    from ..syntax import parse

    shells = "".join(ins.logical.strip() + "\n" for ins in stage.instructions if ins.name == "SHELL")
    probe = parse(f"FROM scratch\n{shells}{text}\n")
    return facts(tree).final_config.cmd, facts(probe).final_config.cmd
