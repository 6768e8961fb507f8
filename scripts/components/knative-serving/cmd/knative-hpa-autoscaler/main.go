// Knative Serving's HPA-class PodAutoscaler reconciler (knative.dev/serving/cmd/autoscaler-hpa),
// started with hostproc's changes. The HPA class rather than Knative's default KPA, because the KPA's
// autoscaler binds a fixed :8080 too (its stats server) and scales on metrics scraped from each pod's
// queue-proxy, which KWOK's pods do not run.
package main

import (
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/serving/pkg/reconciler/autoscaling/hpa"

	"aviary.dev/components/knative-serving/hostproc"
)

func main() {
	sharedmain.MainWithContext(hostproc.Context(), "hpaautoscaler", hpa.NewController)
}
