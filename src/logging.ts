// pino, for the commands that load it lazily with `await import('../../logging.js')`. A dynamic import of
// pino itself would work under Node but not in the image's bundle: esbuild gives a lazily loaded
// CommonJS package only a default export there, so `const { pino } = await import('pino')` is undefined.
// Through this ES module the named export survives either way.
export { pino, type Logger } from 'pino';
