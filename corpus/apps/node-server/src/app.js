'use strict';
const express = require('express');

const app = express();
app.use(express.json());

app.get('/healthz', (req, res) => {
  res.json({ service: 'node-server', status: 'ok' });
});

app.post('/reverse', (req, res) => {
  const text = String((req.body && req.body.text) || '');
  res.json({ reversed: [...text].reverse().join('') });
});

module.exports = app;
