dependencies {
    api("org.http4k:http4k-core:5.14.0.0")
}
