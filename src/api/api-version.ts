/** Aviary's API group and version, as the CRDs declare them and every manifest names them. */
export const GROUP = 'aviary.dev';
export const VERSION = 'v1beta1';
export const API_VERSION = `${GROUP}/${VERSION}` as const;
/** The Flagger API version `aviary convert` rewrites from. */
export const FLAGGER_API_VERSION = 'flagger.app/v1beta1';
