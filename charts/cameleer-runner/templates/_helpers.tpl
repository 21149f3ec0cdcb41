{{/* The chart's name, or nameOverride. */}}
{{- define "cameleer-runner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of every resource: fullnameOverride, else release-chart (just the release when it already holds the chart's name). */}}
{{- define "cameleer-runner.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cameleer-runner.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels on every object. */}}
{{- define "cameleer-runner.labels" -}}
helm.sh/chart: {{ include "cameleer-runner.chart" . }}
{{ include "cameleer-runner.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cameleer
{{- end }}

{{/* Labels that select the runner's pod; never change them in an upgrade, a Deployment's selector is immutable. */}}
{{- define "cameleer-runner.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cameleer-runner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: runner
{{- end }}

{{- define "cameleer-runner.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cameleer-runner.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cameleer-runner.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The Secret holding the registration token and its key. */}}
{{- define "cameleer-runner.registrationSecretName" -}}
{{- default (printf "%s-registration" (include "cameleer-runner.fullname" .)) .Values.registration.existingSecret }}
{{- end }}

{{- define "cameleer-runner.registrationSecretKey" -}}
{{- if .Values.registration.existingSecret }}{{ .Values.registration.existingSecretKey }}{{ else }}token{{ end }}
{{- end }}

{{/* The registry Secret (dockerconfigjson), or "" when no registry credentials are configured. */}}
{{- define "cameleer-runner.registrySecretName" -}}
{{- if .Values.registry.existingSecret }}
{{- .Values.registry.existingSecret }}
{{- else if and .Values.registry.url .Values.registry.username }}
{{- printf "%s-registry" (include "cameleer-runner.fullname" .) }}
{{- end }}
{{- end }}

{{/* The registry's host, from its URL: `registry.example.com/cameleer` → `registry.example.com`. */}}
{{- define "cameleer-runner.registryHost" -}}
{{- .Values.registry.url | trimPrefix "https://" | trimPrefix "http://" | splitList "/" | first }}
{{- end }}

{{- define "cameleer-runner.intakeService" -}}
{{- printf "%s-intake" (include "cameleer-runner.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cameleer-runner.stateDir" -}}
/var/lib/cameleer-runner
{{- end }}

{{/* Every container of the chart: non-root, read-only root, no capabilities, no privilege escalation. */}}
{{- define "cameleer-runner.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
privileged: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
