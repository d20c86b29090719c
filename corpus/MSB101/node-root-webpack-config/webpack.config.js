module.exports = { output: { path: __dirname + '/out' } };
