{{/* Labels every object gets. */}}
{{- define "example.labels" -}}
app.kubernetes.io/part-of: example
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{/* Selector labels of one component: pass (list $ "api"). */}}
{{- define "example.selector" -}}
app.kubernetes.io/name: {{ index . 1 }}
app.kubernetes.io/instance: {{ (index . 0).Release.Name }}
{{- end -}}

{{- define "example.fullname" -}}
{{ (index . 0).Release.Name }}-{{ index . 1 }}
{{- end -}}

{{- define "example.postgresSecret" -}}
{{ .Values.postgres.existingSecret | default (include "example.fullname" (list . "postgres")) }}
{{- end -}}

{{/* The restricted pod security profile, shared by every pod. */}}
{{- define "example.podSecurity" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
{{- if .fsGroup }}
fsGroup: {{ .uid }}
{{- end }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "example.containerSecurity" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
{{- end -}}
