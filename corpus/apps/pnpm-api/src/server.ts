// A compatibility service: GET /satisfies?version=1.4.2&range=^1.2 answers
// whether the version is in the range. SELFTEST=1 starts it on a loopback
// port, asks once, prints the answer and exits.
import http from "node:http";
import { satisfiesRange } from "./compat";

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname !== "/satisfies") {
    res.writeHead(404).end();
    return;
  }
  const answer = satisfiesRange(url.searchParams.get("version") ?? "", url.searchParams.get("range") ?? "");
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
});

if (process.env.SELFTEST === "1") {
  server.listen(0, "127.0.0.1", () => {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    http.get({ host: "127.0.0.1", port, path: "/satisfies?version=1.4.2&range=%5E1.2" }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => {
        console.log(`pnpm-api selftest: ${res.statusCode} ${body}`);
        server.close();
      });
    });
  });
} else {
  server.listen(Number(process.env.PORT ?? 8080));
}
