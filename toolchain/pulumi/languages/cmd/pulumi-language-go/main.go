// Command pulumi-language-go is a small Go language host for the pinned CLI.
//
// Pulumi's own host lives in a Go module that the module proxy here does not serve, so this one is ours. As
// upstream's: a program is built with `go build` in its directory (runtime option buildTarget: the package to build,
// default "."), or is the prebuilt runtime option binary, and runs with the engine's addresses, the stack and its
// configuration in the environment the Go SDK reads (PULUMI_MONITOR, PULUMI_CONFIG, ...); `pulumi install` is `go mod
// tidy`; `pulumi package add` points go.mod at the generated SDK's module (replace and require); SDKs come from
// pkg/v3's Go code generator. Any other runtime option is refused by name. Not implemented: plugins written in Go
// (RunPlugin), `pulumi about`'s dependency list, debugging.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"google.golang.org/grpc"

	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"

	"podpatterns.local/toolchain/pulumi/languages/internal/host"
)

const name = "pulumi-language-go"

type goHost struct {
	*host.Base
}

func main() {
	host.Serve(name, func(engineAddress string) pulumirpc.LanguageRuntimeServer {
		return goHost{&host.Base{Name: name, EngineAddress: engineAddress, Generate: generate}}
	})
}

func generate(tool string, pkg *schema.Package, req *pulumirpc.GeneratePackageRequest,
	_ schema.ReferenceLoader,
) (map[string][]byte, error) {
	return gogen.GeneratePackage(tool, pkg, req.LocalDependencies)
}

func options(info *pulumirpc.ProgramInfo) (map[string]string, error) {
	return host.StringOptions(name, info, "binary", "buildTarget")
}

// Run builds the program (unless it names a prebuilt binary) and runs it with the engine's environment.
func (h goHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	opts, err := options(info)
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	program := opts["binary"]
	if program != "" {
		program = filepath.Join(info.GetProgramDirectory(), program)
	} else {
		built, err := os.MkdirTemp("", "pulumi-go-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(built)
		program = filepath.Join(built, "program")
		if err := goBuild(ctx, info.GetProgramDirectory(), program, opts["buildTarget"]); err != nil {
			return &pulumirpc.RunResponse{Error: err.Error()}, nil
		}
	}
	config, err := host.ConfigEnv(req)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, program, req.GetArgs()...)
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	cmd.Env = append(append(os.Environ(), config...),
		"PULUMI_MONITOR="+req.GetMonitorAddress(),
		"PULUMI_ENGINE="+h.EngineAddress,
		"PULUMI_ORGANIZATION="+req.GetOrganization(),
		"PULUMI_PROJECT="+req.GetProject(),
		"PULUMI_STACK="+req.GetStack(),
		"PULUMI_ROOT_DIRECTORY="+info.GetRootDirectory(),
		"PULUMI_DRY_RUN="+strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL="+strconv.Itoa(int(req.GetParallel())),
	)
	return host.RunProgram(cmd), nil
}

// goBuild builds the program's package (its directory's, or target within it) into out; the compiler's messages
// go to the CLI's output.
func goBuild(ctx context.Context, dir, out, target string) error {
	if target == "" {
		target = "."
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("go is not on PATH: install Go to run this program, or build it and name it in the "+
			"runtime option binary: %w", err)
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, target)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build %s in %s failed: %w", target, dir, err)
	}
	return nil
}

// InstallDependencies is `pulumi install`: go mod tidy in the program's directory, as upstream's host does.
func (h goHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, stream grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	return host.Install(stream, req.GetIsTerminal(), func(stdout, stderr io.Writer) error {
		cmd := exec.CommandContext(stream.Context(), "go", "mod", "tidy")
		cmd.Dir = req.GetInfo().GetProgramDirectory()
		cmd.Stdout, cmd.Stderr = stdout, stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go mod tidy in %s failed: %w", cmd.Dir, err)
		}
		return nil
	})
}

// Link points the program's go.mod at each generated SDK: a replace by its directory and a require of its module.
func (h goHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	var imports []string
	for _, dep := range req.GetPackages() {
		module, err := modulePath(filepath.Join(dir, dep.GetPath(), "go.mod"))
		if err != nil {
			return nil, err
		}
		edit := exec.CommandContext(ctx, "go", "mod", "edit",
			"-replace", module+"=./"+filepath.ToSlash(dep.GetPath()), "-require", module+"@v0.0.0")
		edit.Dir = dir
		if out, err := edit.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("%s in %s: %w: %s", edit, dir, err, out)
		}
		imports = append(imports, fmt.Sprintf("  import %q", module+"/"+dep.GetPackage().GetName()))
	}
	return &pulumirpc.LinkResponse{ImportInstructions: "You can then import the SDK in your Go code with:\n\n" +
		strings.Join(imports, "\n") + "\n"}, nil
}

func modulePath(goMod string) (string, error) {
	data, err := os.ReadFile(goMod)
	if err != nil {
		return "", fmt.Errorf("the generated Go SDK has no go.mod: %w", err)
	}
	path := modfile.ModulePath(data)
	if path == "" {
		return "", fmt.Errorf("%s names no module", goMod)
	}
	return path, nil
}

func (h goHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, goBin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{Executable: goBin, Version: strings.TrimPrefix(strings.TrimSpace(string(out)),
		"go")}, nil
}
