export { LocalTrafficRouter, cookieValue } from './local-router.js';
