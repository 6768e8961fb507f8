export * from './common.js';
export * from './canary.js';
export * from './local.js';
export * from './metric-template.js';
export * from './alert-provider.js';
export * from './status.js';
