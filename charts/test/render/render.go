package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/template"
)

type renderInput struct {
	chartDir    string
	release     string
	namespace   string
	kubeVersion string
	apiVersions []string
	valueFiles  []string
}

type manifest struct {
	Source  string `json:"source"`
	Content string `json:"content"`
}

type renderOutput struct {
	Manifests []manifest `json:"manifests"`
	Notes     string     `json:"notes"`
	// The coalesced values the templates saw: what Helm checks against values.schema.json.
	Values map[string]interface{} `json:"values"`
}

// The API versions a plain cluster serves, as `helm template` reports by default.
var defaultAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1",
	"policy/v1", "autoscaling/v2", "storage.k8s.io/v1",
}

var kubeVersionPattern = regexp.MustCompile(`^v?(\d+)\.(\d+)\.(\d+)`)

func renderChart(in renderInput) (*renderOutput, error) {
	meta, err := readValues(filepath.Join(in.chartDir, "Chart.yaml"))
	if err != nil {
		return nil, err
	}
	values, err := readValues(filepath.Join(in.chartDir, "values.yaml"))
	if err != nil {
		return nil, err
	}
	for _, f := range in.valueFiles {
		override, err := readValues(f)
		if err != nil {
			return nil, err
		}
		values = coalesce(values, override)
	}
	kube := kubeVersionPattern.FindStringSubmatch(in.kubeVersion)
	if kube == nil {
		return nil, fmt.Errorf("--kube-version %q is not vX.Y.Z", in.kubeVersion)
	}
	apiVersions := apiVersionSet(append(append([]string{}, defaultAPIVersions...), in.apiVersions...))

	top := map[string]interface{}{
		"Values": values,
		"Chart":  chartObject(meta),
		"Release": map[string]interface{}{
			"Name": in.release, "Namespace": in.namespace, "Service": "Helm",
			"IsInstall": true, "IsUpgrade": false, "Revision": 1,
		},
		"Capabilities": map[string]interface{}{
			"KubeVersion": map[string]interface{}{
				"Version": in.kubeVersion, "GitVersion": in.kubeVersion, "Major": kube[1], "Minor": kube[2],
			},
			"APIVersions": apiVersions,
			"HelmVersion": map[string]interface{}{"Version": "v3.16.0"},
		},
		"Files": files{dir: in.chartDir},
	}

	templatesDir := filepath.Join(in.chartDir, "templates")
	names, err := templateFiles(templatesDir)
	if err != nil {
		return nil, err
	}
	t := template.New("chart").Option("missingkey=zero")
	t.Funcs(funcMap(t))
	chartName, _ := meta["name"].(string)
	for _, name := range names {
		text, err := os.ReadFile(filepath.Join(templatesDir, name))
		if err != nil {
			return nil, err
		}
		path := chartName + "/templates/" + name
		if _, err := t.New(path).Parse(string(text)); err != nil {
			return nil, err
		}
	}

	out := &renderOutput{Manifests: []manifest{}, Values: values}
	for _, name := range names {
		if strings.HasPrefix(filepath.Base(name), "_") {
			continue
		}
		path := chartName + "/templates/" + name
		data := withTemplate(top, path, chartName+"/templates")
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, path, data); err != nil {
			return nil, err
		}
		text := strings.ReplaceAll(buf.String(), "<no value>", "")
		if name == "NOTES.txt" {
			out.Notes = text
			continue
		}
		out.Manifests = append(out.Manifests, manifest{Source: path, Content: text})
	}
	return out, nil
}

func withTemplate(top map[string]interface{}, name, base string) map[string]interface{} {
	data := map[string]interface{}{}
	for k, v := range top {
		data[k] = v
	}
	data["Template"] = map[string]interface{}{"Name": name, "BasePath": base}
	return data
}

// Chart.yaml's keys as Helm exposes them: `appVersion` becomes .Chart.AppVersion.
func chartObject(meta map[string]interface{}) map[string]interface{} {
	out := map[string]interface{}{}
	for k, v := range meta {
		out[strings.ToUpper(k[:1])+k[1:]] = v
	}
	return out
}

func templateFiles(dir string) ([]string, error) {
	var names []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(names)
	return names, err
}
