pluginManagement {
    repositories {
        mavenCentral()
        gradlePluginPortal() // https://plugins.gradle.org/m2/
    }
}

rootProject.name = "shop-benchmark"
include("core")
include(
    "server",
    // "server-loom", // not yet
)
