{{/* The chart's name, or nameOverride. */}}
{{- define "aviary.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
The release's full name: fullnameOverride, else the release name when it already contains the chart's
name, else <release>-<chart>. Cluster-scoped objects are named after it, so two releases never share one.
*/}}
{{- define "aviary.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "aviary.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aviary.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aviary.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "aviary.labels" -}}
{{ include "aviary.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "aviary.chart" . }}
{{- end -}}

{{- define "aviary.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aviary.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* repository:tag, or repository@digest when a digest pins it. */}}
{{- define "aviary.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%v" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* "true" when the replicas elect a leader: asked for, or needed because more than one runs. */}}
{{- define "aviary.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.leaderElection.replicaCount) 1) -}}
true
{{- end -}}
{{- end -}}

{{/* The Secret the alert URLs come from: an existing one, or the chart's when a URL value is set. */}}
{{- define "aviary.alertsSecretName" -}}
{{- if .Values.alertsSecret.name -}}
{{- if or .Values.slack.url .Values.msteams.url .Values.eventWebhook -}}
{{- fail "alertsSecret.name is set: put the alert URLs in that Secret and leave slack.url, msteams.url and eventWebhook empty" -}}
{{- end -}}
{{- .Values.alertsSecret.name -}}
{{- else if or .Values.slack.url .Values.msteams.url .Values.eventWebhook -}}
{{- printf "%s-alerts" (include "aviary.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/*
The "rules" of one kind of document in a file of files/rbac (copies of deploy/rbac, see
scripts/chart-copies.ts). Called with (list $ "files/rbac/x.yaml" "Kind").
*/}}
{{- define "aviary.rulesFrom" -}}
{{- $root := index . 0 -}}
{{- $file := index . 1 -}}
{{- $kind := index . 2 -}}
{{- $found := dict -}}
{{- range $doc := regexSplit "(?m)^---\\s*$" ($root.Files.Get $file) -1 -}}
{{- $object := fromYaml $doc -}}
{{- if eq (get $object "kind") $kind -}}
{{- $_ := set $found "rules" $object.rules -}}
{{- end -}}
{{- end -}}
{{- if not $found.rules -}}
{{- fail (printf "%s has no %s with rules" $file $kind) -}}
{{- end -}}
{{- toYaml $found.rules -}}
{{- end -}}
