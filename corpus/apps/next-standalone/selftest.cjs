// Self-test, loaded with NODE_OPTIONS="--require ./selftest.cjs" and
// SELFTEST=1: in the server's process (`next start` or the standalone
// server.js, not npm), it silences the server's own banner, asks the API once
// on $PORT, prints the answer and exits.
"use strict";
const http = require("http");

const main = process.argv[1] || "";
if (process.env.SELFTEST === "1" && /(?:next|server\.js)$/.test(main)) {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true;
  const port = Number(process.env.PORT || 3000);
  const deadline = Date.now() + 60000;
  const ask = () =>
    http
      .get({ host: "127.0.0.1", port, path: "/api/greeting?name=selftest" }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => {
          write(`next-standalone selftest: ${res.statusCode} ${body}\n`);
          process.exit(res.statusCode === 200 ? 0 : 1);
        });
      })
      .on("error", () => (Date.now() < deadline ? setTimeout(ask, 200) : process.exit(1)));
  setTimeout(ask, 200);
}
