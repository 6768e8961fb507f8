/** NGINX Ingress canary router. */
export { NGINX_CAPABILITIES, nginxRouter, type NginxRouterOptions } from './router.js';
export * from './canary-ingress.js';
