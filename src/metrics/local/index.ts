export { LocalMetricSource, type LocalMetricSourceOptions } from './local-metric-source.js';
