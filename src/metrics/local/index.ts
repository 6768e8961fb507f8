export {
  LocalMetricSource,
  LOCAL_BUILTIN_METRICS,
  type LocalMetricSourceOptions,
} from './local-metric-source.js';
