// Command render renders a Helm chart's templates the way `helm template` does, with Go's
// text/template, sprig and the functions Helm adds, so the chart can be tested where no helm binary
// can be installed. Output is a JSON object: the rendered manifests by template path and the NOTES.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	var files valueFiles
	chartDir := flag.String("chart", "", "the chart's directory")
	release := flag.String("name", "release-name", "the release name")
	namespace := flag.String("namespace", "default", "the release namespace")
	kubeVersion := flag.String("kube-version", "v1.30.0", "the Kubernetes version .Capabilities reports")
	apiVersions := flag.String("api-versions", "", "comma-separated extra API versions .Capabilities.APIVersions has")
	flag.Var(&files, "f", "a values file merged over the chart's values.yaml (repeatable)")
	flag.Parse()
	if *chartDir == "" {
		fail(fmt.Errorf("--chart is required"))
	}
	var extra []string
	if *apiVersions != "" {
		extra = strings.Split(*apiVersions, ",")
	}
	out, err := renderChart(renderInput{
		chartDir:    *chartDir,
		release:     *release,
		namespace:   *namespace,
		kubeVersion: *kubeVersion,
		apiVersions: extra,
		valueFiles:  files,
	})
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "render: %v\n", err)
	os.Exit(1)
}
