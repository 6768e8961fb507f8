/** Gateway API HTTPRoute router (gatewayapi:v1, gatewayapi:v1beta1). */
export { GATEWAY_API_CAPABILITIES, gatewayApiRouter, rejections } from './router.js';
export {
  buildHTTPRouteSpec,
  parentRefsOf,
  routesOfHTTPRoute,
  toMatches,
  weightedRule,
} from './http-route.js';
export * from './types.js';
