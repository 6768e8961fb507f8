// Knative Serving's controller: the reconcilers of knative.dev/serving/cmd/controller, started through
// Knative's own sharedmain, changed for running as host processes beside other tests on one machine:
//
//   - no health-probe server: Knative serves its probes on a fixed :8080 (no flag or variable moves
//     it), and a second :8080 cannot be had on a shared host;
//   - KNATIVE_WATCH_NAMESPACE, when set, confines every informer to that one namespace (Knative's own
//     injection.WithNamespaceScope), so that each test namespace has a Serving of its own and Knative
//     objects other tests write by hand are left alone. Set SYSTEM_NAMESPACE to the same namespace:
//     Serving reads its ConfigMaps and the activator's endpoints there;
//   - without the domain-mapping and namespace-certificate reconcilers, which watch cluster-scoped
//     objects (ClusterDomainClaims, Namespaces) that a namespace-scoped informer cannot list, and
//     without cert-manager (the upstream main adds it only when config-network asks for it).
package main

import (
	"os"

	"knative.dev/pkg/injection"
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/pkg/signals"
	"knative.dev/serving/pkg/reconciler/configuration"
	"knative.dev/serving/pkg/reconciler/gc"
	"knative.dev/serving/pkg/reconciler/labeler"
	"knative.dev/serving/pkg/reconciler/revision"
	"knative.dev/serving/pkg/reconciler/route"
	"knative.dev/serving/pkg/reconciler/serverlessservice"
	"knative.dev/serving/pkg/reconciler/service"
)

func main() {
	ctx := sharedmain.WithHealthProbesDisabled(signals.NewContext())
	if namespace := os.Getenv("KNATIVE_WATCH_NAMESPACE"); namespace != "" {
		ctx = injection.WithNamespaceScope(ctx, namespace)
	}
	sharedmain.MainWithContext(ctx, "controller",
		configuration.NewController,
		labeler.NewController,
		revision.NewController,
		route.NewController,
		serverlessservice.NewController,
		service.NewController,
		gc.NewController,
	)
}
