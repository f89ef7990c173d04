// A Vault agent stand-in: renders the templates of a Vault agent configuration with Go's
// text/template, the engine under consul-template (and so under the Vault agent), against a KV v2
// fixture instead of a Vault server.
//
// Stand-ins, with consul-template's semantics: `secret "<mount>/data/<path>"` returns the secret
// (.Data.data holds the keys), `toJSON` marshals its argument; `error_on_missing_key` turns on
// missingkey=error. Files are written under OUT (destination with its leading "/" dropped) with
// the template's perms. Any error exits 1 with the message, as the agent does.
//
// usage:
//
//	agent AGENT_CONFIG.json KV_FIXTURE.json OUT   render once (template tests)
//	vault agent -config=AGENT_CONFIG.json          as the image's `vault` in a pod: the fixture is
//	                                               /vault-standin/kv.json, OUT is /; auto_auth's token
//	                                               and vault.ca_cert must be readable; with
//	                                               exit_after_auth false it keeps running until SIGTERM
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"text/template"
)

const podFixture = "/vault-standin/kv.json"

type agentTemplate struct {
	Destination       string `json:"destination"`
	Contents          string `json:"contents"`
	Perms             string `json:"perms"`
	ErrorOnMissingKey bool   `json:"error_on_missing_key"`
}

type agentConfig struct {
	AutoAuth struct {
		Method struct {
			Config struct {
				TokenPath string `json:"token_path"`
			} `json:"config"`
		} `json:"method"`
	} `json:"auto_auth"`
	ExitAfterAuth bool `json:"exit_after_auth"`
	Vault         struct {
		Address string `json:"address"`
		CACert  string `json:"ca_cert"`
	} `json:"vault"`
	Template []agentTemplate `json:"template"`
}

type secret struct {
	Data map[string]interface{}
}

func main() {
	var err error
	if len(os.Args) == 3 && os.Args[1] == "agent" && strings.HasPrefix(os.Args[2], "-config=") {
		err = runAgent(strings.TrimPrefix(os.Args[2], "-config="))
	} else if len(os.Args) == 4 {
		var config agentConfig
		if err = readJSON(os.Args[1], &config); err == nil {
			err = render(config, os.Args[2], os.Args[3])
		}
	} else {
		err = fmt.Errorf("usage: %s agent -config=FILE | %s CONFIG KV OUT", os.Args[0], os.Args[0])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

// runAgent does what the agent would with CONFIG in a pod: authenticate with the projected token,
// trust the configured CA, render every template once, then exit or keep running.
func runAgent(configPath string) error {
	var config agentConfig
	if err := readJSON(configPath, &config); err != nil {
		return err
	}
	for what, path := range map[string]string{
		"auto_auth token_path": config.AutoAuth.Method.Config.TokenPath,
		"vault.ca_cert":        config.Vault.CACert,
	} {
		if path == "" {
			continue
		}
		if _, err := os.ReadFile(path); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	fmt.Printf("==> Vault Agent (stand-in) authenticated to %s\n", config.Vault.Address)
	if err := render(config, podFixture, "/"); err != nil {
		return err
	}
	fmt.Printf("==> rendered %d templates\n", len(config.Template))
	if config.ExitAfterAuth {
		return nil
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	<-stop
	return nil
}

func render(config agentConfig, fixturePath, out string) error {
	var fixture map[string]map[string]interface{}
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
		if err := writeAtomically(path, rendered.Bytes(), os.FileMode(mode)); err != nil {
			return err
		}
	}
	return nil
}

// writeAtomically replaces path as consul-template does: a temporary file renamed over it, so that
// readers never see half a file and a renewal can replace a file its perms make read-only.
func writeAtomically(path string, content []byte, mode os.FileMode) error {
	temporary, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".")
	if err != nil {
		return err
	}
	defer os.Remove(temporary.Name())
	if _, err := temporary.Write(content); err != nil {
		temporary.Close()
		return err
	}
	if err := temporary.Close(); err != nil {
		return err
	}
	if err := os.Chmod(temporary.Name(), mode); err != nil {
		return err
	}
	return os.Rename(temporary.Name(), path)
}

func readJSON(path string, into interface{}) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return json.Unmarshal(text, into)
}
