// Resolves the workspace's `@org/<lib>` imports to the compiled libs under dist/ (what
// tsconfig paths do at compile time), so built services run on plain `node`.
const Module = require('node:module');
const path = require('node:path');

const dist = path.join(__dirname, '..', 'dist', 'libs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const match = /^@org\/([a-z-]+)(\/testing)?$/.exec(request);
  if (match) request = path.join(dist, match[1], 'src', match[2] ? 'testing.js' : 'index.js');
  return resolve.call(this, request, ...rest);
};
