application.mainClass.set("ServerKt")

dependencies {
    api(project(":core"))
    api("org.http4k:http4k-server-jetty:5.14.0.0")
}
