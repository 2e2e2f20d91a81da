/** Makes `require('vscode')` load the stub in ./vscode (import this before any src module). */
import Module = require('module');

const stubPath = require.resolve('./vscode');
type Resolve = (request: string, ...rest: unknown[]) => string;
const internals = Module as unknown as { _resolveFilename: Resolve };
const original = internals._resolveFilename;
internals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? stubPath : original.call(this, request, ...rest);
};
