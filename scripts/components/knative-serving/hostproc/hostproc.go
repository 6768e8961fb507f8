// Package hostproc is what cmd/knative-controller and cmd/knative-hpa-autoscaler change in the way
// Knative's sharedmain starts Serving's reconcilers, for running them as host processes beside other
// tests on one machine:
//
//   - no health-probe server: Knative serves its probes on a fixed :8080 (no flag or variable moves
//     it), and a second :8080 cannot be had on a shared host;
//   - KNATIVE_WATCH_NAMESPACE, when set, confines every informer to that one namespace (Knative's own
//     injection.WithNamespaceScope), so that each test namespace has a Serving of its own and Knative
//     objects other tests write by hand are left alone. Set SYSTEM_NAMESPACE to the same namespace:
//     Serving reads its ConfigMaps and the activator's endpoints there.
package hostproc

import (
	"context"
	"os"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"
)

// Context is the context to hand sharedmain.MainWithContext.
func Context() context.Context {
	ctx := sharedmain.WithHealthProbesDisabled(signals.NewContext())
	if namespace := os.Getenv("KNATIVE_WATCH_NAMESPACE"); namespace != "" {
		ctx = injection.WithNamespaceScope(ctx, namespace)
	}
	return ctx
}
