// Knative Serving's controller: the reconcilers of knative.dev/serving/cmd/controller, started through
// Knative's own sharedmain with hostproc's changes. Without the domain-mapping and
// namespace-certificate reconcilers, which watch cluster-scoped objects (ClusterDomainClaims,
// Namespaces) that a namespace-confined informer cannot list, and without cert-manager (the upstream
// main adds it only when config-network asks for it).
package main

import (
	"knative.dev/pkg/injection/sharedmain"
	"knative.dev/serving/pkg/reconciler/configuration"
	"knative.dev/serving/pkg/reconciler/gc"
	"knative.dev/serving/pkg/reconciler/labeler"
	"knative.dev/serving/pkg/reconciler/revision"
	"knative.dev/serving/pkg/reconciler/route"
	"knative.dev/serving/pkg/reconciler/serverlessservice"
	"knative.dev/serving/pkg/reconciler/service"

	"aviary.dev/components/knative-serving/hostproc"
)

func main() {
	sharedmain.MainWithContext(hostproc.Context(), "controller",
		configuration.NewController,
		labeler.NewController,
		revision.NewController,
		route.NewController,
		serverlessservice.NewController,
		service.NewController,
		gc.NewController,
	)
}
