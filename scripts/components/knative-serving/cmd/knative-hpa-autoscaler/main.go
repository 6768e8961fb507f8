// Knative Serving's HPA-class PodAutoscaler reconciler (knative.dev/serving/cmd/autoscaler-hpa), with
// the changes of cmd/knative-controller: no health-probe server on the fixed :8080, and
// KNATIVE_WATCH_NAMESPACE. The HPA class rather than Knative's default KPA, because the KPA's
// autoscaler binds a fixed :8080 too (its stats server) and scales on metrics scraped from each pod's
// queue-proxy, which KWOK's pods do not run.
package main

import (
	"os"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"
	"knative.dev/serving/pkg/reconciler/autoscaling/hpa"
)

func main() {
	ctx := sharedmain.WithHealthProbesDisabled(signals.NewContext())
	if namespace := os.Getenv("KNATIVE_WATCH_NAMESPACE"); namespace != "" {
		ctx = injection.WithNamespaceScope(ctx, namespace)
	}
	sharedmain.MainWithContext(ctx, "hpaautoscaler", hpa.NewController)
}
