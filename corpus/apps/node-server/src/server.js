'use strict';
// Starts the API. SELFTEST=1 starts it on a loopback port chosen by the OS,
// sends it one request, prints the answer and exits.
const http = require('http');
const app = require('./app');

function selftest() {
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    const body = JSON.stringify({ text: 'stressed' });
    const req = http.request(
      { host: '127.0.0.1', port, path: '/reverse', method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let data = '';
        res.on('data', (c) => { data += c; });
        res.on('end', () => {
          console.log(`node-server selftest: ${res.statusCode} ${data}`);
          server.close();
          process.exitCode = res.statusCode === 200 ? 0 : 1;
        });
      });
    req.on('error', (e) => { console.error(e); process.exit(1); });
    req.end(body);
  });
}

if (process.env.SELFTEST === '1') {
  selftest();
} else {
  const port = Number(process.env.PORT || 3000);
  app.listen(port, () => console.log(`listening on ${port}`));
}
