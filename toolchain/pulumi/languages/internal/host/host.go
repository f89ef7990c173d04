// Package host holds what pod-patterns' language hosts share: serving Pulumi's LanguageRuntime on the port the CLI
// reads, the handshake and version, SDK generation with Pulumi's own code generators, the engine's log, and a
// program's end reported as upstream's hosts report it.
package host

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	codegenrpc "github.com/pulumi/pulumi/sdk/v3/proto/go/codegen"
)

// UserActionableExit is the exit code with which Pulumi's SDKs say a program already reported its error.
const UserActionableExit = 32

// Generator writes a package's SDK files, one of Pulumi's code generators (nil: the host generates none).
type Generator func(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
	loader schema.ReferenceLoader) (map[string][]byte, error)

// Base is the part of a language host every language shares; a host embeds it and adds Run and the rest.
type Base struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	Name          string // the program's name, pulumi-language-<language>
	EngineAddress string
	Generate      Generator

	engineOnce sync.Once // the engine's client, made on first use
	engine     pulumirpc.EngineClient
	engineErr  error
}

// Serve runs a host as the CLI starts it (`pulumi-language-<language> [flags] ENGINE_ADDRESS`): it prints the port
// it listens on, the first line the CLI reads, and serves until the CLI closes it.
func Serve(name string, newHost func(engineAddress string) pulumirpc.LanguageRuntimeServer) {
	if len(os.Args) < 2 {
		fmt.Fprintf(os.Stderr, "usage: %s ENGINE_ADDRESS (started by the pulumi CLI)\n", name)
		os.Exit(1)
	}
	server := newHost(os.Args[len(os.Args)-1])
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{Cancel: interrupted(), Init: func(s *grpc.Server) error {
		pulumirpc.RegisterLanguageRuntimeServer(s, server)
		return nil
	}})
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
	fmt.Println(handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		os.Exit(1)
	}
}

// interrupted is closed at the first SIGINT, which is how the CLI closes a plugin: it interrupts the plugin's process
// group and kills it 5 s later. Asking for the signal matters even though SIGINT's default is to exit: a process
// started with SIGINT ignored (as a test runner's workers and their children may be) would otherwise ignore it, be
// killed, and race the CLI's own reaping ("closing language plugin: os: process already finished").
func interrupted() chan bool {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt)
	done := make(chan bool)
	go func() {
		<-signals
		signal.Stop(signals)
		close(done)
	}()
	return done
}

func (b *Base) Handshake(context.Context, *pulumirpc.LanguageHandshakeRequest) (
	*pulumirpc.LanguageHandshakeResponse, error,
) {
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (b *Base) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPlugins reports none: the plugins are the ones built here, in the engine's plugin directory, and a
// component package comes from the project's `packages`.
func (b *Base) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (
	*pulumirpc.GetRequiredPluginsResponse, error,
) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (b *Base) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (
	*pulumirpc.GetRequiredPackagesResponse, error,
) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GeneratePackage writes the SDK of the package whose schema the CLI sends (`pulumi package gen-sdk`, `pulumi
// package add`, `pulumi install`), as upstream's hosts do.
func (b *Base) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest) (
	*pulumirpc.GeneratePackageResponse, error,
) {
	if b.Generate == nil {
		return nil, fmt.Errorf("%s does not generate SDKs (docs/deploying.md)", b.Name)
	}
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, loader, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics(diags)}, nil
	}
	files, err := b.Generate(b.Name, pkg, req, loader)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		path := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiagnostics(diags)}, nil
}

func rpcDiagnostics(diags hcl.Diagnostics) []*codegenrpc.Diagnostic {
	out := make([]*codegenrpc.Diagnostic, 0, len(diags))
	for _, d := range diags {
		severity := codegenrpc.DiagnosticSeverity_DIAG_WARNING
		if d.Severity == hcl.DiagError {
			severity = codegenrpc.DiagnosticSeverity_DIAG_ERROR
		}
		out = append(out, &codegenrpc.Diagnostic{Severity: severity, Summary: d.Summary, Detail: d.Detail})
	}
	return out
}

// ConfigEnv is the stack's configuration as every SDK reads it: JSON objects in PULUMI_CONFIG and
// PULUMI_CONFIG_SECRET_KEYS, never null (the SDKs iterate over both).
func ConfigEnv(req *pulumirpc.RunRequest) ([]string, error) {
	values := req.GetConfig()
	if values == nil {
		values = map[string]string{}
	}
	config, err := json.Marshal(values)
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(config), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretKeys)}, nil
}

// RunProgram runs a program's process and reports its end as upstream's hosts do: a bail when the SDK says it
// already reported the error (exit 32), else the command and its error.
func RunProgram(cmd *exec.Cmd) *pulumirpc.RunResponse {
	var exit *exec.ExitError
	switch err := cmd.Run(); {
	case err == nil:
		return &pulumirpc.RunResponse{}
	case errors.As(err, &exit) && exit.ExitCode() == UserActionableExit:
		return &pulumirpc.RunResponse{Bail: true}
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("%s: %v", cmd, err)}
	}
}

// StringOptions are a project's runtime options (Pulumi.yaml `runtime.options`), each of the allowed ones a string;
// any other key, or a value of another type, is refused by name.
func StringOptions(name string, info *pulumirpc.ProgramInfo, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for key, value := range info.GetOptions().AsMap() {
		known := false
		for _, a := range allowed {
			known = known || a == key
		}
		if !known {
			return nil, fmt.Errorf("Pulumi.yaml: runtime option %q is not supported by pod-patterns' %s "+
				"(docs/deploying.md); allowed: %s", key, name, strings.Join(allowed, ", "))
		}
		switch v := value.(type) {
		case string:
			out[key] = v
		case bool:
			out[key] = fmt.Sprint(v)
		default:
			return nil, fmt.Errorf("Pulumi.yaml: runtime option %s must be a string, not %v", key, value)
		}
	}
	return out, nil
}

// EngineLog writes to the engine's log as ephemeral messages, the way upstream's hosts show what they install during
// `up`: the CLI prints them in its progress display.
func (b *Base) EngineLog(ctx context.Context, severity pulumirpc.LogSeverity) (io.Writer, error) {
	b.engineOnce.Do(func() {
		var conn *grpc.ClientConn
		conn, b.engineErr = grpc.NewClient(b.EngineAddress, grpc.WithTransportCredentials(insecure.NewCredentials()),
			rpcutil.GrpcChannelOptions())
		if b.engineErr == nil {
			b.engine = pulumirpc.NewEngineClient(conn)
		}
	})
	stream := rand.Int31() //nolint:gosec // a stream id, not a secret
	return &engineWriter{ctx: ctx, client: b.engine, severity: severity, stream: stream}, b.engineErr
}

type engineWriter struct {
	ctx      context.Context
	client   pulumirpc.EngineClient
	severity pulumirpc.LogSeverity
	stream   int32
}

func (w *engineWriter) Write(p []byte) (int, error) {
	_, err := w.client.Log(w.ctx, &pulumirpc.LogRequest{
		Message: strings.ToValidUTF8(string(p), "?"), Ephemeral: true, StreamId: w.stream, Severity: w.severity,
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Install is `pulumi install`'s work (install) with its output streamed to the CLI.
func Install(
	stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse], terminal bool,
	install func(stdout, stderr io.Writer) error,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(stream, terminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	if err := install(stdout, stderr); err != nil {
		return err
	}
	return closer.Close()
}
