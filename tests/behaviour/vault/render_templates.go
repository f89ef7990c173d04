// Renders the templates of a Vault agent configuration with Go's text/template, the engine under
// consul-template (and so under the Vault agent), against a KV v2 fixture instead of Vault.
//
// Stand-ins, with consul-template's semantics: `secret "<mount>/data/<path>"` returns the secret
// (.Data.data holds the keys), `toJSON` marshals its argument; `error_on_missing_key` turns on
// missingkey=error. Files are written under OUT (destination with its leading "/" dropped) with
// the template's perms. Any error exits 1 with the message, as the agent does.
//
// usage: go run render_templates.go AGENT_CONFIG.json KV_FIXTURE.json OUT
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/template"
)

type agentTemplate struct {
	Destination       string `json:"destination"`
	Contents          string `json:"contents"`
	Perms             string `json:"perms"`
	ErrorOnMissingKey bool   `json:"error_on_missing_key"`
}

type secret struct {
	Data map[string]interface{}
}

func main() {
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(configPath, fixturePath, out string) error {
	var config struct {
		Template []agentTemplate `json:"template"`
	}
	var fixture map[string]map[string]interface{}
	if err := readJSON(configPath, &config); err != nil {
		return err
	}
	if err := readJSON(fixturePath, &fixture); err != nil {
		return err
	}
	funcs := template.FuncMap{
		"secret": func(path string) (*secret, error) {
			data, ok := fixture[path]
			if !ok {
				return nil, fmt.Errorf("no secret exists at %s", path)
			}
			return &secret{Data: map[string]interface{}{"data": data}}, nil
		},
		"toJSON": func(value interface{}) (string, error) {
			encoded, err := json.Marshal(value)
			return string(bytes.TrimSpace(encoded)), err
		},
	}
	for _, t := range config.Template {
		parsed, err := template.New(t.Destination).Funcs(funcs).Parse(t.Contents)
		if err != nil {
			return err
		}
		if t.ErrorOnMissingKey {
			parsed = parsed.Option("missingkey=error")
		}
		var rendered bytes.Buffer
		if err := parsed.Execute(&rendered, nil); err != nil {
			return err
		}
		mode, err := strconv.ParseUint(t.Perms, 8, 32)
		if err != nil {
			return err
		}
		path := filepath.Join(out, strings.TrimPrefix(t.Destination, "/"))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, rendered.Bytes(), os.FileMode(mode)); err != nil {
			return err
		}
		if err := os.Chmod(path, os.FileMode(mode)); err != nil {
			return err
		}
	}
	return nil
}

func readJSON(path string, into interface{}) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(text, into)
}
