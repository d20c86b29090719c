// A cache-policy service: GET /ttl?d=2h answers the duration in seconds.
// SELFTEST=1 starts it on a loopback port chosen by the OS, asks once,
// prints the answer and exits.
import { ttlSeconds } from "./ttl";

const server = Bun.serve({
  hostname: process.env.SELFTEST === "1" ? "127.0.0.1" : "0.0.0.0",
  port: process.env.SELFTEST === "1" ? 0 : Number(process.env.PORT ?? 3000),
  fetch(req) {
    const url = new URL(req.url);
    if (url.pathname !== "/ttl") return new Response("not found", { status: 404 });
    return new Response(String(ttlSeconds(url.searchParams.get("d") ?? "")));
  },
});

if (process.env.SELFTEST === "1") {
  const res = await fetch(`http://127.0.0.1:${server.port}/ttl?d=2h`);
  console.log(`bun-api selftest: ${res.status} ${await res.text()}`);
  server.stop(true);
}
