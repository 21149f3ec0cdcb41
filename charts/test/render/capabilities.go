package main

import (
	"os"
	"path/filepath"
	"strings"
)

// apiVersionSet answers .Capabilities.APIVersions.Has for "group/version" and "group/version/Kind".
type apiVersionSet []string

func (s apiVersionSet) Has(version string) bool {
	groupVersion := version
	if slash := strings.LastIndex(version, "/"); slash > 0 {
		kind := version[slash+1:]
		if kind != "" && kind[0] >= 'A' && kind[0] <= 'Z' {
			groupVersion = version[:slash]
		}
	}
	for _, v := range s {
		if v == version || v == groupVersion {
			return true
		}
	}
	return false
}

// files answers .Files.Get with a file of the chart, or "" as Helm does when it is absent.
type files struct{ dir string }

func (f files) Get(name string) string {
	text, err := os.ReadFile(filepath.Join(f.dir, filepath.FromSlash(name)))
	if err != nil {
		return ""
	}
	return string(text)
}
