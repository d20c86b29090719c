'use strict';
const dayjs = require('dayjs');

// A year after `from`; a leap day renews on the last day of February.
exports.renewal = (from) => dayjs(from).add(1, 'year').format('YYYY-MM-DD');
