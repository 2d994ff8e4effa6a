// Renders the temporalio/server image's config template (docker/config_template.yaml of the server module) with
// this process's environment, the way the image's entrypoint does with dockerize: `{{ default .Env.X "d" }}` is
// the first non-empty of its arguments, and an unset variable is "". Used by compose-temporal.ts.
//
//	go run render-config.go config_template.yaml > docker.yaml
package main

import (
	"os"
	"strings"
	"text/template"
)

func main() {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	funcs := template.FuncMap{
		"default": func(values ...string) string {
			for _, v := range values {
				if v != "" {
					return v
				}
			}
			return ""
		},
		"lower": strings.ToLower,
		"trim":  strings.TrimSpace,
		"split": strings.Split,
	}
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	tpl := template.Must(template.New("config").Option("missingkey=zero").Funcs(funcs).Parse(string(text)))
	if err := tpl.Execute(os.Stdout, map[string]any{"Env": env}); err != nil {
		panic(err)
	}
}
