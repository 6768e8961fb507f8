/** `aviary verify`: is traffic split the way the weights say? */
export {
  verifySplit,
  parseWeights,
  type CountSource,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
export { formatReport } from './report.js';
export type { VersionRule } from './classify.js';
