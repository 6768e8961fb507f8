/** Contour HTTPProxy router. */
export { CONTOUR_CAPABILITIES, contourRouter } from './router.js';
export { buildHTTPProxySpec, routesOfHTTPProxy, type HTTPProxyOptions } from './http-proxy.js';
export * from './types.js';
