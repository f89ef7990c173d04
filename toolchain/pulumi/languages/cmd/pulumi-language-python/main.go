// Command pulumi-language-python is a small Python language host for the pinned CLI.
//
// Pulumi's own host lives in a Go module that the module proxy here does not serve, so this one is ours. For a
// program it does what upstream's host does with the pip toolchain, through the same code (the SDK module's
// python/toolchain): `pulumi install` creates the runtime option `virtualenv` and installs requirements.txt into it,
// `pulumi up` and `preview` create it first when it is missing, and the program runs with Pulumi's own
// pulumi-language-python-exec (copied beside this binary from the SDK module at build time) on the virtualenv's
// python, else $PULUMI_PYTHON_CMD, else python3. The toolchains poetry and uv and the typecheckers are refused by
// name rather than ignored. A Python plugin (the component package, a policy pack) runs on its `virtualenv`, else
// $PULUMI_PYTHON_CMD, else python3 (upstream's defaults to a virtualenv named venv). Plugins are found from the
// engine's plugin directory, so GetRequiredPackages reports none.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/grpc"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"

	"podpatterns.local/toolchain/pulumi/languages/internal/host"
)

const name = "pulumi-language-python"

type pythonHost struct {
	*host.Base
}

func main() {
	host.Serve(name, func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return pythonHost{&host.Base{Name: name, EngineAddress: engineAddress}}
	})
}

// GetRequiredPackages is where upstream's host makes a missing virtualenv before `up` or `preview` runs the program.
func (h pythonHost) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest) (
	*pulumirpc.GetRequiredPackagesResponse, error,
) {
	tc, err := programToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	stdout, err := h.EngineLog(ctx, pulumirpc.LogSeverity_INFO)
	if err != nil {
		return nil, err
	}
	stderr, err := h.EngineLog(ctx, pulumirpc.LogSeverity_ERROR)
	if err != nil {
		return nil, err
	}
	if err := tc.EnsureVenv(ctx, req.GetInfo().GetProgramDirectory(), false, true, stdout, stderr); err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// InstallDependencies is `pulumi install`: a virtualenv made afresh with requirements.txt installed, as upstream's.
func (h pythonHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, err := programToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	return host.Install(stream, req.GetIsTerminal(), func(stdout, stderr io.Writer) error {
		return tc.InstallDependencies(stream.Context(), req.GetInfo().GetProgramDirectory(),
			req.GetUseLanguageVersionTools(), true, stdout, stderr)
	})
}

func (h pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	tc, err := programToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	info, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: info.PythonExecutable, Version: info.PythonVersion.String()}, nil
}

// Run executes the program with Pulumi's exec script, configuration in the environment as upstream passes it.
func (h pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, err := programToolchain(req.GetInfo())
	if err == nil {
		err = tc.ValidateVenv(ctx)
	}
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	execScript, err := besideExecutable("pulumi-language-python-exec")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	program := req.GetProgram()
	if info := req.GetInfo(); info != nil && info.GetProgramDirectory() != "" {
		program = filepath.Join(info.GetProgramDirectory(), info.GetEntryPoint())
	}
	args := []string{"-u", execScript,
		"--monitor", req.GetMonitorAddress(), "--engine", h.EngineAddress,
		"--project", req.GetProject(), "--stack", req.GetStack(), "--pwd", req.GetPwd(),
		"--dry_run", strconv.FormatBool(req.GetDryRun()), "--parallel", strconv.Itoa(int(req.GetParallel())),
		"--organization", req.GetOrganization(),
	}
	if info := req.GetInfo(); info != nil && info.GetRootDirectory() != "" {
		args = append(args, "--root_directory", info.GetRootDirectory())
	}
	args = append(append(args, program), req.GetArgs()...)
	config, err := host.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, config...)
	return host.RunProgram(cmd), nil
}

// RunPlugin runs a Python plugin (a component package's or a policy pack's __main__.py) and streams its output.
func (h pythonHost) RunPlugin(
	req *pulumirpc.RunPluginRequest, stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	tc, err := programToolchain(req.GetInfo())
	if err == nil {
		err = tc.ValidateVenv(stream.Context())
	}
	if err != nil {
		return err
	}
	program := req.GetInfo().GetProgramDirectory()
	if program == "" {
		program = req.GetProgram()
	}
	cmd, err := tc.Command(stream.Context(), append([]string{"-u", program}, req.GetArgs()...)...)
	if err != nil {
		return err
	}
	cmd.Dir = req.GetPwd()
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Stdout = streamWriter{stream, false}
	cmd.Stderr = streamWriter{stream, true}
	code := int32(0)
	var exit *exec.ExitError
	if err := cmd.Run(); errors.As(err, &exit) {
		code = int32(exit.ExitCode())
	} else if err != nil {
		return err
	}
	return stream.Send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
}

// streamWriter forwards a plugin's standard output or error to the engine.
type streamWriter struct {
	stream grpc.ServerStreamingServer[pulumirpc.RunPluginResponse]
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	out := append([]byte(nil), p...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: out}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: out}}
	}
	if err := w.stream.Send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

// programToolchain is Pulumi's pip toolchain for the runtime options of Pulumi.yaml (or PulumiPlugin.yaml): the
// `virtualenv` relative to the project root, its python else $PULUMI_PYTHON_CMD else python3. What this host does
// not do is refused by name: the toolchains poetry and uv (also when a lock file of theirs would choose them, as
// upstream's default does), and the typecheckers.
func programToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	options := toolchain.PythonOptions{
		Root: info.GetRootDirectory(), ProgramDir: info.GetProgramDirectory(), Toolchain: toolchain.Pip,
	}
	runtimeOptions := info.GetOptions().AsMap()
	for key, value := range runtimeOptions {
		text, ok := value.(string)
		if !ok {
			return nil, fmt.Errorf("Pulumi.yaml: runtime option %s must be a string, not %v", key, value)
		}
		switch key {
		case "virtualenv":
			options.Virtualenv = text
		case "toolchain":
			if text != "pip" {
				return nil, unsupported("toolchain", text, "pip")
			}
		case "typechecker":
			return nil, unsupported("typechecker", text, "none (leave the option out)")
		}
	}
	if _, chosen := runtimeOptions["toolchain"]; !chosen {
		for _, lock := range []string{"uv.lock", "poetry.lock"} {
			if found, ok := searchUp(options.ProgramDir, lock); ok {
				return nil, fmt.Errorf("%s would make Pulumi use %s, which pod-patterns' Python language host does "+
					"not support (docs/deploying.md): set the runtime option toolchain: pip in Pulumi.yaml",
					found, strings.TrimSuffix(lock, ".lock"))
			}
		}
	}
	return toolchain.ResolveToolchain(options)
}

func unsupported(option, value, allowed string) error {
	return fmt.Errorf("Pulumi.yaml: runtime option %s: %q is not supported by pod-patterns' Python language host "+
		"(docs/deploying.md); allowed: %s", option, value, allowed)
}

// searchUp finds name in dir or one of its parents, as upstream's toolchain detection does.
func searchUp(dir, name string) (string, bool) {
	for dir != "" {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err == nil {
			return path, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", false
}

// besideExecutable is the path of a file installed next to this binary.
func besideExecutable(name string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	path := filepath.Join(filepath.Dir(self), name)
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("%s is not installed beside %s: rebuild with scripts/pulumi", name, self)
	}
	return path, nil
}
