// A Vault agent stand-in: renders the templates of a Vault agent configuration with Go's
// text/template, the engine under consul-template (and so under the Vault agent), against a KV v2
// fixture instead of a Vault server.
//
// Stand-ins, with consul-template's semantics: `secret "<mount>/data/<path>"` returns the secret
// (.Data.data holds the keys), `toJSON` marshals its argument; `error_on_missing_key` turns on
// missingkey=error. Files are written under OUT (destination with its leading "/" dropped) with
// the template's perms. Any error exits 1 with the message, as the agent does. A configuration key
// the agent does not know is refused, as the agent refuses it.
//
// usage:
//
//	agent AGENT_CONFIG.json KV_FIXTURE.json OUT   render once (template tests)
//	vault agent -config=AGENT_CONFIG.json          as the image's `vault` in a pod: the fixture is
//	                                               $VAULT_STANDIN_DIR/kv.json (default /vault-standin),
//	                                               OUT is /; with exit_after_auth false it keeps
//	                                               running until SIGTERM
//
// In a pod it logs in as the Vault server described by $VAULT_STANDIN_DIR/server.json would let it:
// the address must be the server's, the auth method kubernetes at the server's mount, the role one
// of the server's, the token a readable JWT whose audience the role accepts, and with an https
// address vault.ca_cert must hold the CA that signed the server's certificate (server.json "ca").
package main

import (
	"bytes"
	"encoding/base64"
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

type agentTemplate struct {
	Destination       string `json:"destination"`
	Contents          string `json:"contents"`
	Perms             string `json:"perms"`
	ErrorOnMissingKey bool   `json:"error_on_missing_key"`
}

// agentConfig: the keys the generated configurations use (any other key is refused).
type agentConfig struct {
	AutoAuth struct {
		Method []struct {
			Type      string `json:"type"`
			MountPath string `json:"mount_path"`
			ExitOnErr bool   `json:"exit_on_err"`
			Config    struct {
				Role      string `json:"role"`
				TokenPath string `json:"token_path"`
			} `json:"config"`
		} `json:"method"`
	} `json:"auto_auth"`
	ExitAfterAuth  bool `json:"exit_after_auth"`
	TemplateConfig struct {
		ExitOnRetryFailure bool `json:"exit_on_retry_failure"`
	} `json:"template_config"`
	Vault struct {
		Address string `json:"address"`
		CACert  string `json:"ca_cert"`
		Retry   struct {
			NumRetries int `json:"num_retries"`
		} `json:"retry"`
	} `json:"vault"`
	Template []agentTemplate `json:"template"`
}

// vaultServer: what the Vault server standing behind the stand-in accepts.
type vaultServer struct {
	Address   string `json:"address"`
	AuthMount string `json:"auth_mount"`
	CA        string `json:"ca"`
	Roles     map[string]struct {
		Audience string `json:"audience"`
	} `json:"roles"`
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
		if err = readStrictJSON(os.Args[1], &config); err == nil {
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
	if err := readStrictJSON(configPath, &config); err != nil {
		return err
	}
	directory := os.Getenv("VAULT_STANDIN_DIR")
	if directory == "" {
		directory = "/vault-standin"
	}
	var server vaultServer
	if err := readJSON(filepath.Join(directory, "server.json"), &server); err != nil {
		return fmt.Errorf("the stand-in's Vault server: %w", err)
	}
	if err := logIn(config, server); err != nil {
		return err
	}
	fmt.Printf("==> Vault Agent (stand-in) authenticated to %s\n", config.Vault.Address)
	if err := render(config, filepath.Join(directory, "kv.json"), "/"); err != nil {
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

// logIn fails as the agent's login to `server` would, with a message in the agent's words.
func logIn(config agentConfig, server vaultServer) error {
	if len(config.AutoAuth.Method) != 1 {
		return fmt.Errorf("error parsing 'auto_auth': error parsing 'method': one and only one \"method\" block is required")
	}
	method := config.AutoAuth.Method[0]
	if config.Vault.Address != server.Address {
		return fmt.Errorf("error authenticating: Put \"%s/v1/%s/login\": dial tcp: lookup: no such host (the Vault server is %s)",
			config.Vault.Address, method.MountPath, server.Address)
	}
	if strings.HasPrefix(server.Address, "https://") {
		ca, err := os.ReadFile(config.Vault.CACert)
		if config.Vault.CACert == "" || err != nil || strings.TrimSpace(string(ca)) != strings.TrimSpace(server.CA) {
			return fmt.Errorf("error authenticating: tls: failed to verify certificate: x509: certificate signed by unknown authority (vault.ca_cert %q)", config.Vault.CACert)
		}
	}
	if method.Type != "kubernetes" {
		return fmt.Errorf("error creating kubernetes auth method: unknown auth method type %q", method.Type)
	}
	if method.MountPath != "auth/"+server.AuthMount {
		return fmt.Errorf("error authenticating: Code: 405. Errors: * no handler for route \"%s/login\"", method.MountPath)
	}
	role, known := server.Roles[method.Config.Role]
	if !known {
		return fmt.Errorf("error authenticating: Code: 400. Errors: * invalid role name %q", method.Config.Role)
	}
	token, err := os.ReadFile(method.Config.TokenPath)
	if method.Config.TokenPath == "" || err != nil {
		return fmt.Errorf("error creating kubernetes auth method: token_path %q: %v", method.Config.TokenPath, err)
	}
	if audience := tokenAudience(strings.TrimSpace(string(token))); audience != role.Audience {
		return fmt.Errorf("error authenticating: Code: 403. Errors: * invalid audience (aud) claim: audience %q not found in role's audiences", audience)
	}
	return nil
}

// tokenAudience: the first "aud" of a JWT's claims, empty when the token is not one.
func tokenAudience(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return ""
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return ""
	}
	var claims struct {
		Aud []string `json:"aud"`
	}
	if json.Unmarshal(payload, &claims) != nil || len(claims.Aud) == 0 {
		return ""
	}
	return claims.Aud[0]
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

// readStrictJSON refuses keys `into` does not declare, as the agent refuses unknown configuration keys.
func readStrictJSON(path string, into interface{}) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	decoder := json.NewDecoder(bytes.NewReader(text))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(into); err != nil {
		return fmt.Errorf("error loading configuration from %s: %w", path, err)
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
