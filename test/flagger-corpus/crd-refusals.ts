/**
 * The Canaries in Flagger's repository that Flagger's own CRD refuses, with the API server's reason:
 * fragments in the docs that show one block of a spec (no targetRef, no analysis, sometimes no name) and
 * one written for the long-gone v1alpha3. They are left out of the Aviary checks; the test fails if the
 * API server's verdict on any manifest changes from this list.
 */
const FRAGMENT = /spec\.targetRef: Required value|spec\.analysis: Required value/;

export const FLAGGER_CRD_REFUSES: Record<string, RegExp> = {
  'CHANGELOG.md--L1390.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L93.yaml': /spec\.analysis: Required value/,
  'docs__gitbook__faq.md--L212.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L548.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L686.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L816.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L833.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L866.yaml': FRAGMENT,
  'docs__gitbook__faq.md--L878.yaml': FRAGMENT,
  'docs__gitbook__tutorials__gatewayapi-progressive-delivery.md--L742.yaml': FRAGMENT,
  'docs__gitbook__tutorials__gatewayapi-progressive-delivery.md--L765.yaml': FRAGMENT,
  'docs__gitbook__tutorials__gatewayapi-progressive-delivery.md--L800.yaml': FRAGMENT,
  'docs__gitbook__tutorials__gatewayapi-progressive-delivery.md--L825.yaml': FRAGMENT,
  'docs__gitbook__tutorials__gatewayapi-progressive-delivery.md--L850.yaml': FRAGMENT,
  'docs__gitbook__tutorials__istio-progressive-delivery.md--L421.yaml': /spec\.targetRef: Required value/,
  'docs__gitbook__tutorials__istio-progressive-delivery.md--L512.yaml': FRAGMENT,
  'docs__gitbook__tutorials__zero-downtime-deployments.md--L169.yaml': FRAGMENT,
  // Flagger v1.44.0 serves only v1beta1
  'kustomize__README.md--L65.yaml': /no matches for kind "Canary" in version "flagger\.app\/v1alpha3"/,
};
