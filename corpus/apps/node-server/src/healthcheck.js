'use strict';
// HEALTHCHECK: exits 0 when the API answers /healthz with 200.
const http = require('http');

const port = Number(process.env.PORT || 3000);
http
  .get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => process.exit(res.statusCode === 200 ? 0 : 1))
  .on('error', () => process.exit(1));
