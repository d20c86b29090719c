'use strict';
// A renewal-date service: GET /renewal?from=YYYY-MM-DD answers the date a
// year later. SELFTEST=1 starts it on a loopback port, asks once, prints the
// answer and exits.
const http = require('http');
const { renewal } = require('./renewal');

function handler(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname !== '/renewal') {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain' }).end(renewal(url.searchParams.get('from')));
}

const server = http.createServer(handler);
if (process.env.SELFTEST === '1') {
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    http.get({ host: '127.0.0.1', port, path: '/renewal?from=2024-02-29' }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => {
        console.log(`yarn-api selftest: ${res.statusCode} ${body}`);
        server.close();
      });
    });
  });
} else {
  server.listen(Number(process.env.PORT || 8080));
}
