// @customer-chat/docs (CommonJS): where the files this package ships are; see index.js.
'use strict';
const path = require('node:path');

exports.siteDirectory = path.join(__dirname, '..', 'dist', 'site') + path.sep;
exports.markdownDirectory = path.join(__dirname, '..', 'dist', 'markdown') + path.sep;
exports.pages = Object.freeze(['index', 'events', 'methods', 'protocol', 'schemas', 'changelog', 'console']);
