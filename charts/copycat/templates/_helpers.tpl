{{/* Chart name, or nameOverride. nameOverride=k8s-copycat reproduces k8s-copycat's names. */}}
{{- define "copycat.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: release name, prefixed unless it already contains the chart name. */}}
{{- define "copycat.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "copycat.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "copycat.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Selector labels: stable for the life of a release (Deployment selectors are immutable). */}}
{{- define "copycat.selectorLabels" -}}
app.kubernetes.io/name: {{ include "copycat.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels on every resource: selector labels, chart metadata and commonLabels. */}}
{{- define "copycat.labels" -}}
helm.sh/chart: {{ include "copycat.chart" . }}
{{ include "copycat.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* metadata.annotations (indented for metadata): commonAnnotations merged with a resource's
   own, passed as "extra"; nothing when both are empty. */}}
{{- define "copycat.annotations" -}}
{{- $merged := merge (dict) (default (dict) .extra) (default (dict) .root.Values.commonAnnotations) -}}
{{- if $merged }}
  annotations:
{{ toYaml $merged | indent 4 }}
{{- end -}}
{{- end -}}

{{- define "copycat.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "copycat.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "copycat.configMapName" -}}
{{- default (include "copycat.fullname" .) .Values.configMap.existingConfigMap -}}
{{- end -}}

{{/* config.yaml: a map is rendered as YAML, a string is taken verbatim. */}}
{{- define "copycat.configYaml" -}}
{{- $config := .Values.config -}}
{{- if kindIs "string" $config -}}
{{- $config -}}
{{- else if $config -}}
{{- toYaml $config -}}
{{- else -}}
{}
{{- end -}}
{{- end -}}

{{/* The Lease the Role grants: leaderElection.leaseName, config.leaseName, or k8s-copycat. */}}
{{- define "copycat.leaseName" -}}
{{- $config := .Values.config -}}
{{- $fromConfig := "" -}}
{{- if kindIs "map" $config -}}
{{- $fromConfig = get $config "leaseName" -}}
{{- end -}}
{{- .Values.leaderElection.leaseName | default $fromConfig | default "k8s-copycat" -}}
{{- end -}}
